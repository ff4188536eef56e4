using Sluice.Host.Notify;

namespace Sluice.Notify.Tests.Support;

/// <summary>A real router over test sinks, configured from text.</summary>
internal sealed class RouterFixture : IAsyncDisposable
{
    public CollectingSinkFactory Factory { get; } = new();
    public TestContributions Contributions { get; }
    public EventRouter Router { get; }

    public RouterFixture(NotifyRouterSettings? settings = null)
    {
        Contributions = new TestContributions(Factory);
        Router = new EventRouter(settings ?? new NotifyRouterSettings { ServerName = "test-server" }, Contributions);
    }

    public async Task<RouterFixture> Apply(string conf)
    {
        await Router.ApplyAsync(Conf.Valid(conf, Contributions));
        return this;
    }

    public NotifyBlockStats Stats(string block) => Router.Stats().Single(s => s.Name == block);

    public ValueTask DisposeAsync() => Router.DisposeAsync();
}
