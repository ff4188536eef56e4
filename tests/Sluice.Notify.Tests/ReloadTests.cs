using Sluice.Abstractions.Events;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class ReloadTests
{
    private static void Emit(EventRouter router, int from, int count)
    {
        for (var i = from; i < from + count; i++) router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", i)] });
    }

    private static long[] Numbers(IEnumerable<SluiceEvent> events) => events.Select(e => e["n"].AsInteger).ToArray();

    [Fact]
    public async Task Reload_keeps_an_unchanged_block_running_with_its_queue_and_its_sink()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://a"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify a { sink collect://a; }");
        Emit(f.Router, 0, 100);
        await Conf.WaitUntil(() => f.Factory.Sink("collect://a").Calls == 1);
        await f.Apply("notify a {\n  sink collect://a;\n}\nnotify b { sink collect://b; }");
        Assert.Single(f.Factory.Created, s => s.Spec == "collect://a");
        Emit(f.Router, 100, 10);
        gate.Release(1000);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 110 && f.Stats("b").Delivered == 10);
        Assert.Equal(Enumerable.Range(0, 110).Select(i => (long)i), Numbers(f.Factory.Sink("collect://a").Events));
        Assert.False(f.Factory.Sink("collect://a").Disposed);
    }

    [Fact]
    public async Task A_changed_block_is_rebuilt_after_its_batch_in_flight_and_keeps_its_queued_events()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://old"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify a { sink collect://old; }");
        Emit(f.Router, 0, 1);
        await Conf.WaitUntil(() => f.Factory.Sink("collect://old").Calls == 1);
        Emit(f.Router, 1, 49); // queued behind the batch in flight
        await f.Apply("notify a { sink collect://new; only event=stream_started; }");
        Emit(f.Router, 50, 5);
        f.Router.Emit(new EventDraft("play_started")); // the new filter drops it
        gate.Release();
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 55);
        Assert.Equal([0L], Numbers(f.Factory.Sink("collect://old").Events));
        Assert.Equal(Enumerable.Range(1, 54).Select(i => (long)i), Numbers(f.Factory.Sink("collect://new").Events));
        await Conf.WaitUntil(() => f.Factory.Sink("collect://old").Disposed);
        Assert.Equal("collect://new", f.Stats("a").Sink);
    }

    [Fact]
    public async Task A_removed_block_delivers_what_is_queued_then_disposes_its_sink()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://gone"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify gone { sink collect://gone; }\nnotify stays { sink collect://stays; }");
        Emit(f.Router, 0, 20);
        await Conf.WaitUntil(() => f.Factory.Sink("collect://gone").Calls == 1);
        var apply = f.Apply("notify stays { sink collect://stays; }");
        await Task.Delay(50);
        Assert.False(apply.IsCompleted); // draining
        gate.Release(100);
        await apply;
        var gone = f.Factory.Sink("collect://gone");
        Assert.Equal(20, gone.Events.Count);
        Assert.True(gone.Disposed);
        Assert.Equal(["stays"], f.Router.Stats().Select(s => s.Name));
    }

    [Fact]
    public async Task A_removed_block_that_cannot_drain_gives_up_at_the_deadline()
    {
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", DrainTimeout = TimeSpan.FromMilliseconds(200) });
        f.Factory.Hooks["collect://stuck"] = (_, ct) => Task.Delay(Timeout.Infinite, ct);
        await f.Apply("notify stuck { sink collect://stuck; }");
        Emit(f.Router, 0, 5);
        var started = DateTime.UtcNow;
        await f.Apply("");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        Assert.True(f.Factory.Sink("collect://stuck").Disposed);
    }

    [Fact]
    public async Task When_the_sink_plugin_is_swapped_an_unchanged_block_moves_to_the_new_sink_without_losing_events()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://a"] = (_, ct) => gate.WaitAsync(ct);
        var options = Conf.Valid("notify a { sink collect://a; }", f.Contributions);
        await f.Router.ApplyAsync(options);
        Emit(f.Router, 0, 1);
        await Conf.WaitUntil(() => f.Factory.Sink("collect://a").Calls == 1);
        Emit(f.Router, 1, 99);

        var swapped = new CollectingSinkFactory(); // the new version of the plugin
        f.Contributions.Factories = [swapped];
        await f.Router.ApplyAsync(options);
        Emit(f.Router, 100, 10);
        gate.Release();
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 110);

        var old = f.Factory.Sink("collect://a");
        Assert.Equal([0L], Numbers(old.Events));
        Assert.Equal(Enumerable.Range(1, 109).Select(i => (long)i), Numbers(swapped.Sink("collect://a").Events));
        await Conf.WaitUntil(() => old.Disposed);
        Assert.Equal(0, f.Stats("a").Dropped);
    }

    [Fact]
    public async Task An_idle_block_moves_to_the_swapped_plugins_sink_at_once_and_disposes_the_old_one_without_an_event()
    {
        await using var f = new RouterFixture();
        var options = Conf.Valid("notify a { sink collect://a; }", f.Contributions);
        await f.Router.ApplyAsync(options);
        Emit(f.Router, 0, 3);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 3);
        await Conf.WaitUntil(() => f.Router.IsIdle);

        var swapped = new CollectingSinkFactory();
        f.Contributions.Factories = [swapped];
        await f.Router.ApplyAsync(options);

        var old = f.Factory.Sink("collect://a");
        await Conf.WaitUntil(() => old.Disposed, what: "the old sink disposed while no event flows");
        Emit(f.Router, 3, 2);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 5);
        Assert.Equal([0L, 1, 2], Numbers(old.Events));
        Assert.Equal([3L, 4], Numbers(swapped.Sink("collect://a").Events));
    }

    [Fact]
    public async Task A_block_waiting_to_resend_moves_to_the_swapped_plugins_sink_at_once_and_retries_there_on_time()
    {
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://a"] = (_, _) => throw new InvalidOperationException("receiver down");
        var options = Conf.Valid("notify a { sink collect://a; resend_notifications_limit 100; resend_notifications_timeout 5s; }", f.Contributions);
        await f.Router.ApplyAsync(options);
        Emit(f.Router, 0, 4);
        await Conf.WaitUntil(() => f.Stats("a").InResendBuffer == 4);

        var swapped = new CollectingSinkFactory();
        f.Contributions.Factories = [swapped];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await f.Router.ApplyAsync(options);

        var old = f.Factory.Sink("collect://a");
        await Conf.WaitUntil(() => old.Disposed, what: "the old sink disposed before the retry time");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"disposed after {clock.Elapsed}, not at once");
        Assert.Equal(0, swapped.Sink("collect://a").Calls);   // the retry keeps its schedule
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 4);
        Assert.Equal([0L, 1, 2, 3], Numbers(swapped.Sink("collect://a").Events));
        Assert.Equal(0, f.Stats("a").Dropped);
    }

    [Fact]
    public async Task The_router_applies_a_configuration_through_the_listener_contract()
    {
        await using var f = new RouterFixture();
        var options = Conf.Valid("notify a { sink collect://a; }", f.Contributions);
        var config = new Sluice.Abstractions.Configuration.SluiceConfiguration(null, "/tmp", [],
            new Dictionary<Type, object> { [typeof(NotifyOptions)] = options }, []);
        await ((Sluice.Abstractions.Configuration.IConfigurationListener)f.Router).ApplyAsync(config, CancellationToken.None);
        Emit(f.Router, 0, 3);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 3);
    }
}
