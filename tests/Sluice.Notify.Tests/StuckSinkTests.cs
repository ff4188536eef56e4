using Sluice.Abstractions.Events;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

/// <summary>The notify/sink boundary: a sink that ignores its cancellation is abandoned, never called concurrently.</summary>
public class StuckSinkTests
{
    [Fact]
    public async Task A_sink_that_ignores_its_token_is_replaced_after_the_hard_timeout_and_never_called_concurrently()
    {
        var clock = Clock.New();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", Time = clock });
        var calls = 0;
        // The first call ignores its token and never returns until the test lets it; later calls (any sink) succeed.
        f.Factory.Hooks["collect://a"] = (_, _) => Interlocked.Increment(ref calls) == 1 ? release.Task : Task.CompletedTask;
        f.Factory.Timeout = TimeSpan.FromSeconds(2);
        await f.Apply("notify a { sink collect://a; resend_notifications_limit 100; resend_notifications_timeout 1; }");
        f.Router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", 0)] });
        await Conf.WaitUntil(() => Volatile.Read(ref calls) == 1);
        var stuck = f.Factory.Sink("collect://a");

        // Past the deadline (2 s) the token is cancelled and ignored; a second later the sink is abandoned.
        await clock.AdvanceUntil(() => f.Stats("a").FailedBatches == 1, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), "the hard timeout");
        Assert.Contains("ignored the cancellation: it was replaced", f.Stats("a").LastError);
        Assert.False(stuck.Disposed); // still inside its call

        f.Router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", 1)] });
        await clock.AdvanceUntil(() => f.Stats("a").Delivered == 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), "delivery by the new sink");
        var replacement = f.Factory.Created.Last();
        Assert.NotSame(stuck, replacement);
        Assert.Equal([0L, 1], replacement.Events.Select(e => e["n"].AsInteger));
        Assert.Equal(1, stuck.Calls);          // never called again
        Assert.Equal(1, stuck.MaxConcurrent);
        Assert.Equal(1, replacement.MaxConcurrent);

        release.SetResult();                   // the stuck call finally returns: the old sink is disposed then
        await Conf.WaitUntil(() => stuck.Disposed, what: "the abandoned sink disposed");
        Assert.False(replacement.Disposed);
    }
}
