using System.Diagnostics;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class DeliveryTests
{
    private static void EmitNumbered(EventRouter router, int from, int count)
    {
        for (var i = from; i < from + count; i++) router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", i)] });
    }

    private static long[] Numbers(IEnumerable<SluiceEvent> events) => events.Select(e => e["n"].AsInteger).ToArray();

    [Fact]
    public async Task The_next_batch_goes_out_only_after_the_previous_returned_and_everything_arrives_in_order()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", MaxBatch = 100 });
        f.Factory.Hooks["collect://a"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify a { sink collect://a; }");
        EmitNumbered(f.Router, 0, 1);
        await Conf.WaitUntil(() => f.Factory.Sink("collect://a").Calls == 1);
        EmitNumbered(f.Router, 1, 250);
        await Task.Delay(100);
        Assert.Equal(1, f.Factory.Sink("collect://a").Calls); // still waiting for the first batch
        gate.Release(1000);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 251);
        var sink = f.Factory.Sink("collect://a");
        Assert.Equal(1, sink.MaxConcurrent);
        Assert.Equal([1, 100, 100, 50], sink.Batches.Select(b => b.Length));
        Assert.Equal(Enumerable.Range(0, 251).Select(i => (long)i), Numbers(sink.Events));
        Assert.Equal(4, f.Stats("a").DeliveredBatches);
    }

    [Fact]
    public async Task Buffer_false_delivers_one_event_per_call()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://a"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify a { sink collect://a; buffer false; }");
        EmitNumbered(f.Router, 0, 20);
        gate.Release(100);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 20);
        Assert.All(f.Factory.Sink("collect://a").Batches, b => Assert.Single(b));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), Numbers(f.Factory.Sink("collect://a").Events));
    }

    [Fact]
    public async Task A_failing_sink_without_resend_drops_and_counts_batches()
    {
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://a"] = (_, _) => throw new SinkDeliveryException("HTTP 503 from backend");
        await f.Apply("notify a { sink collect://a; }");
        EmitNumbered(f.Router, 0, 10);
        await Conf.WaitUntil(() => f.Stats("a").Dropped == 10);
        var s = f.Stats("a");
        Assert.InRange(s.FailedBatches, 1, 10);
        Assert.Equal(0, s.Delivered);
        Assert.Equal(0, s.InResendBuffer);
        Assert.Equal("HTTP 503 from backend", s.LastError);
        Assert.NotNull(s.LastErrorTime);
        Assert.Contains("\"last_error\":\"HTTP 503 from backend\"", NotifyApi.ToJson(f.Router.Stats()));
    }

    [Fact]
    public async Task With_resend_a_failing_then_recovering_receiver_gets_every_event_in_order()
    {
        var failing = 1;
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", MaxBatch = 7 });
        f.Factory.Hooks["collect://a"] = (_, _) => Volatile.Read(ref failing) == 1 ? throw new SinkDeliveryException("down") : Task.CompletedTask;
        await f.Apply("notify a { sink collect://a; resend_notifications_limit 100; resend_notifications_timeout 200ms; }");
        EmitNumbered(f.Router, 0, 30);
        await Conf.WaitUntil(() => f.Stats("a").FailedBatches >= 2, what: "two failed attempts");
        EmitNumbered(f.Router, 30, 20);
        await Conf.WaitUntil(() => f.Stats("a").InResendBuffer > 0);
        Volatile.Write(ref failing, 0);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 50, what: "all 50 delivered");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), Numbers(f.Factory.Sink("collect://a").Events));
        Assert.Equal(0, f.Stats("a").Dropped);
        Assert.Equal(0, f.Stats("a").InResendBuffer);
    }

    [Fact]
    public async Task Resend_buffer_overflow_drops_the_oldest_events()
    {
        var failing = 1;
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://a"] = (_, _) => Volatile.Read(ref failing) == 1 ? throw new SinkDeliveryException("down") : Task.CompletedTask;
        await f.Apply("notify a { sink collect://a; resend_notifications_limit 10; resend_notifications_timeout 100ms; }");
        EmitNumbered(f.Router, 0, 25);
        await Conf.WaitUntil(() => f.Stats("a").InResendBuffer == 10 && f.Stats("a").Queued == 0);
        Assert.Equal(15, f.Stats("a").Dropped);
        Volatile.Write(ref failing, 0);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 10);
        Assert.Equal(Enumerable.Range(15, 10).Select(i => (long)i), Numbers(f.Factory.Sink("collect://a").Events));
    }

    [Fact]
    public async Task A_slow_sink_delays_neither_the_emitter_nor_other_blocks()
    {
        var gate = new SemaphoreSlim(0);
        await using var f = new RouterFixture();
        f.Factory.Hooks["collect://slow"] = (_, ct) => gate.WaitAsync(ct);
        await f.Apply("notify slow { sink collect://slow; }\nnotify fast { sink collect://fast; }");
        var sw = Stopwatch.StartNew();
        EmitNumbered(f.Router, 0, 10_000);
        var emitTime = sw.Elapsed;
        await Conf.WaitUntil(() => f.Stats("fast").Delivered == 10_000, what: "fast block delivered");
        Assert.True(emitTime < TimeSpan.FromSeconds(2), $"emitting took {emitTime}");
        Assert.Equal(0, f.Stats("slow").Delivered);
        Assert.True(f.Stats("slow").Queued > 0);
        gate.Release(1000);
        await Conf.WaitUntil(() => f.Stats("slow").Delivered == 10_000);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), Numbers(f.Factory.Sink("collect://slow").Events));
    }

    [Fact]
    public async Task A_sink_that_does_not_return_in_time_fails_the_batch_with_a_timeout()
    {
        await using var f = new RouterFixture();
        var calls = 0;
        f.Factory.Hooks["collect://a"] = (_, ct) => Interlocked.Increment(ref calls) == 1 ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask;
        f.Factory.Timeout = TimeSpan.FromMilliseconds(200); // the deadline the sink type declares for its blocks
        await f.Apply("notify a { sink collect://a; }");
        EmitNumbered(f.Router, 0, 1);
        await Conf.WaitUntil(() => f.Stats("a").FailedBatches == 1);
        Assert.Equal("delivery timed out after 0.2 s", f.Stats("a").LastError);
        EmitNumbered(f.Router, 1, 1);
        await Conf.WaitUntil(() => f.Stats("a").Delivered == 1);
    }
}
