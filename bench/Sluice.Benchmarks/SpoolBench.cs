using System.Diagnostics;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify;

namespace Sluice.Benchmarks;

/// <summary>
/// <c>spool-bench N FOLDER</c>: one notify block with an in-memory sink, without and with a durable spool in
/// FOLDER (fdatasync group commit): sustained events/s emitted and delivered, and the latency a durable
/// accept costs (<c>POST /api/v1/events</c> answers only once its events are synced), one injector at a
/// time and 16 at once (group commit shares one sync among them).
/// </summary>
internal static class SpoolBench
{
    public static async Task RunAsync(int events, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var spooled in new[] { false, true })
        {
            var (seconds, dropped) = await SustainedAsync(events, spooled ? Path.Combine(folder, "sustained-" + Environment.ProcessId) : null);
            Console.WriteLine($"{(spooled ? "spool" : "memory"),-6} sustained: {events} events in {seconds:0.000} s = {events / seconds:N0} events/s delivered, dropped {dropped}");
        }
        foreach (var injectors in new[] { 1, 16 })
        {
            var (perSecond, p50, p99) = await DurableLatencyAsync(Path.Combine(folder, $"latency{injectors}-" + Environment.ProcessId), injectors, 4000);
            Console.WriteLine($"spool  durable accept, {injectors,2} injector(s): {perSecond:N0} events/s, latency p50 {p50:0.000} ms, p99 {p99:0.000} ms");
        }
    }

    private static NotifyBlockOptions Block(string? spool) =>
        BenchConfig.Block("b", "mem://b") with { Spool = spool is null ? null : new SpoolSettings(spool, 8L << 30) };

    /// <summary>Emits as fast as the block absorbs (never more than half its queue ahead), until the sink got every event.</summary>
    private static async Task<(double Seconds, long Dropped)> SustainedAsync(int events, string? spool)
    {
        var factory = new MemorySinkFactory();
        await using var router = new EventRouter(new NotifyRouterSettings { ServerName = "bench" }, new BenchContributions(factory));
        await router.ApplyAsync(new NotifyOptions([Block(spool)]));
        factory.Expect(events);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            router.Emit(new EventDraft("stream_started") { Media = Media[i % Media.Length], Fields = [new("n", i), new("synthetic", true)] });
            if ((i & 1023) == 1023)
            {
                while (router.Stats()[0].Queued > 50_000) Thread.Sleep(1);
            }
        }
        factory.WaitFor(events);
        var seconds = sw.Elapsed.TotalSeconds;
        var dropped = router.Stats()[0].Dropped;
        await router.DisposeAsync();
        if (spool is not null) Directory.Delete(spool, recursive: true);
        return (seconds, dropped);
    }

    private static readonly string[] Media = Enumerable.Range(0, 50).Select(i => $"cam{i}").ToArray();

    /// <summary><paramref name="injectors"/> tasks, each injecting one event at a time and waiting until it is durable.</summary>
    private static async Task<(double PerSecond, double P50Ms, double P99Ms)> DurableLatencyAsync(string spool, int injectors, int total)
    {
        var factory = new MemorySinkFactory();
        await using var router = new EventRouter(new NotifyRouterSettings { ServerName = "bench" }, new BenchContributions(factory));
        await router.ApplyAsync(new NotifyOptions([Block(spool)]));
        var perInjector = total / injectors;
        var samples = new long[perInjector * injectors];
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, injectors).Select(k => Task.Run(async () =>
        {
            for (var i = 0; i < perInjector; i++)
            {
                var n = k * perInjector + i;
                var evt = new SluiceEvent("stream_started", $"bench-{n}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "bench", EventLevel.Info,
                    Media[n % Media.Length], null, [new("n", n), new("synthetic", true)]);
                var start = Stopwatch.GetTimestamp();
                if (await router.EmitDurablyAsync([evt], TimeSpan.FromSeconds(30), CancellationToken.None) is { } error)
                    throw new InvalidOperationException(error);
                samples[n] = Stopwatch.GetTimestamp() - start;
            }
        })));
        var seconds = sw.Elapsed.TotalSeconds;
        await router.DisposeAsync();
        Directory.Delete(spool, recursive: true);
        Array.Sort(samples);
        double Ms(double p) => samples[Math.Min(samples.Length - 1, (int)(p * samples.Length))] * 1000.0 / Stopwatch.Frequency;
        return (samples.Length / seconds, Ms(0.50), Ms(0.99));
    }
}
