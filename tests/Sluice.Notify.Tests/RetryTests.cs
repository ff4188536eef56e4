using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

/// <summary>Retry timing on a fake clock: the spec's fixed interval, backoff with a spool, Retry-After, 410.</summary>
public sealed class RetryTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Emit(EventRouter router, int from, int count)
    {
        for (var i = from; i < from + count; i++) router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", i)] });
    }

    private static long[] Numbers(IEnumerable<SluiceEvent> events) => events.Select(e => e["n"].AsInteger).ToArray();

    [Fact]
    public async Task Without_a_spool_a_failed_batch_is_retried_every_resend_notifications_timeout_on_the_routers_clock()
    {
        var clock = Clock.New();
        var failing = 1;
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", Time = clock });
        f.Factory.Hooks["collect://a"] = (_, _) => Volatile.Read(ref failing) == 1 ? throw new SinkDeliveryException("down") : Task.CompletedTask;
        await f.Apply("notify a { sink collect://a; resend_notifications_limit 100; resend_notifications_timeout 10; }");
        Emit(f.Router, 0, 3);
        await Conf.WaitUntil(() => f.Stats("a").FailedBatches == 1);
        var failedAt = clock.GetUtcNow();
        var s = f.Stats("a");
        Assert.Equal(BlockState.Retrying, s.State);
        Assert.Equal(failedAt, s.RetryingSince);
        Assert.Equal(failedAt + TimeSpan.FromSeconds(10), s.NextRetry);
        Assert.Equal(3, s.InResendBuffer);
        Assert.Contains("\"state\":\"retrying\"", NotifyApi.ToJson(f.Router.Stats()));

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Emit(f.Router, 3, 2); // waits behind the held ones
        await clock.AdvanceUntil(() => f.Stats("a").FailedBatches == 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), "the second attempt");
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(10), f.Stats("a").NextRetry);
        Assert.Equal(5, f.Stats("a").InResendBuffer); // what was queued moved behind the held ones at the retry

        Volatile.Write(ref failing, 0);
        await clock.AdvanceUntil(() => f.Stats("a").Delivered == 5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(11), "delivery after recovery");
        Assert.Equal([0L, 1, 2, 3, 4], Numbers(f.Factory.Sink("collect://a").Events));
        Assert.Equal(BlockState.Healthy, f.Stats("a").State);
        Assert.Null(f.Stats("a").RetryingSince);
    }

    [Fact]
    public async Task With_a_spool_retries_back_off_exponentially_with_jitter_up_to_the_cap()
    {
        var clock = Clock.New();
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", Time = clock });
        f.Factory.Hooks["collect://a"] = (_, _) => throw new SinkDeliveryException("down");
        await f.Apply($"notify a {{ sink collect://a; spool {_dir.Path} 4M; resend_notifications_timeout 1; }}");
        Emit(f.Router, 0, 1);
        var delays = new List<double>();
        for (var failure = 1; failure <= 11; failure++)
        {
            // The retry time is set just after the failure is counted: wait for both (the previous one is now).
            await Conf.WaitUntil(() => f.Stats("a") is { FailedBatches: var n, NextRetry: { } at } && n == failure && at > clock.GetUtcNow(),
                what: $"failure {failure}");
            var due = f.Stats("a").NextRetry!.Value - clock.GetUtcNow();
            delays.Add(due.TotalSeconds);
            clock.Advance(due); // exactly to the retry time: the next attempt runs now, not a moment sooner
        }
        for (var i = 0; i < delays.Count; i++)
        {
            var nominal = Math.Min(Math.Pow(2, i), RetryPolicy.Cap.TotalSeconds);
            // +-25 % jitter, never above the cap (retry times are whole milliseconds).
            Assert.InRange(delays[i], nominal * 0.75 - 0.002, Math.Min(nominal * 1.25, RetryPolicy.Cap.TotalSeconds));
        }
        Assert.Equal(1, f.Stats("a").Spooled);
        Assert.Equal(0, f.Stats("a").Dropped);
    }

    [Fact]
    public async Task Retry_after_from_the_receiver_delays_the_next_attempt_beyond_the_interval()
    {
        var clock = Clock.New();
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", Time = clock });
        var calls = 0;
        f.Factory.Hooks["collect://a"] = (_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new SinkDeliveryException("429 Too Many Requests") { RetryAfter = TimeSpan.FromSeconds(60) }
            : Task.CompletedTask;
        await f.Apply("notify a { sink collect://a; resend_notifications_limit 10; resend_notifications_timeout 10; }");
        Emit(f.Router, 0, 1);
        await Conf.WaitUntil(() => f.Stats("a").FailedBatches == 1);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(60), f.Stats("a").NextRetry);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, Volatile.Read(ref calls));
        await clock.AdvanceUntil(() => f.Stats("a").Delivered == 1, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_410_disables_the_block_until_the_next_reload_reports_it_and_keeps_its_events()
    {
        var clock = Clock.New();
        var gone = 1;
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s", Time = clock });
        f.Factory.Hooks["collect://hook"] = (_, _) => Volatile.Read(ref gone) == 1
            ? throw new SinkDeliveryException("http://backend/hook answered 410 Gone") { Gone = true }
            : Task.CompletedTask;
        var conf = $$"""
            notify hook { sink collect://hook; spool {{_dir.Path}}; only event=stream_started; }
            notify ops { sink collect://ops; only event=notify_disabled; }
            """;
        await f.Apply(conf);
        Emit(f.Router, 0, 2);
        var disabled = await f.Factory.Sink("collect://ops").WaitForAsync(1);
        Assert.Equal("notify_disabled", disabled[0].Name);
        Assert.Equal("hook", disabled[0]["block"].AsString);
        Assert.Contains("410 Gone", disabled[0]["reason"].AsString);
        var s = f.Stats("hook");
        Assert.Equal(BlockState.Disabled, s.State);
        Assert.Contains("\"state\":\"disabled\"", NotifyApi.ToJson(f.Router.Stats()));
        Emit(f.Router, 2, 3);
        clock.Advance(TimeSpan.FromHours(1)); // no retry while disabled
        await Conf.WaitUntil(() => f.Stats("hook").Spooled == 5);
        Assert.Equal(1, f.Factory.Sink("collect://hook").Calls);

        Volatile.Write(ref gone, 0);
        await f.Apply(conf); // the reload enables it again, with nothing lost
        await Conf.WaitUntil(() => f.Stats("hook").Delivered == 5);
        Assert.Equal([0L, 1, 2, 3, 4], Numbers(f.Factory.Sink("collect://hook").Events));
        Assert.Equal(BlockState.Healthy, f.Stats("hook").State);
    }
}
