using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Configuration;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;

namespace Sluice.Sinks.Brokers.Tests.Support;

/// <summary>
/// The host's real notify router over a plugin's real sink type, configured from text by the host's own parser:
/// what the router does for every sink (filters, batching, resend, spool) applies to the broker sinks unchanged.
/// </summary>
internal sealed class BrokerRouter : IAsyncDisposable
{
    private BrokerRouter(EventRouter router) => Router = router;

    public EventRouter Router { get; }

    public static async Task<BrokerRouter> StartAsync(ISluicePlugin plugin, string conf)
    {
        var contributions = new Contributions(TestPluginBuilder.SinkTypeOf(plugin));
        var diagnostics = new DiagnosticList();
        var section = new NotifyConfigSection();
        var names = section.Directives.Select(d => d.Name).ToHashSet();
        var directives = ConfigParser.Parse(conf, "test.conf", diagnostics).Where(d => names.Contains(d.Name)).ToArray();
        var options = (NotifyOptions)section.Bind(directives, new ConfigBindContext(diagnostics, Path.GetTempPath(), contributions));
        Assert.Empty(diagnostics.Errors);
        var router = new EventRouter(new NotifyRouterSettings { ServerName = "streamer1.test", DrainTimeout = TimeSpan.FromSeconds(2) }, contributions);
        await router.ApplyAsync(options);
        return new BrokerRouter(router);
    }

    public NotifyBlockStats Stats(string block) => Router.Stats().Single(s => s.Name == block);

    public void Emit(string name, long n, string media = "cam1") =>
        Router.Emit(new EventDraft(name) { Media = media, Fields = [new("n", n)] });

    /// <summary>Polls <paramref name="condition"/> every 20 ms for at most <paramref name="seconds"/>.</summary>
    public static async Task WaitUntil(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {seconds} s waiting for {what}");
            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => Router.DisposeAsync();

    private sealed class Contributions(IEventSinkFactory factory) : IPluginContributions, IServiceProvider
    {
        public IReadOnlyList<T> All<T>() where T : class =>
            typeof(T) == typeof(IEventSinkFactory) ? (IReadOnlyList<T>)(object)new[] { factory } : [];

        public object? GetService(Type serviceType) => serviceType == typeof(IPluginContributions) ? this : null;
    }
}
