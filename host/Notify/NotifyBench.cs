using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Json;
using Sluice.Host.Plugins;

namespace Sluice.Host.Notify;

/// <summary>What <c>sluice notify bench</c> measured.</summary>
internal sealed record NotifyBenchResult(int Events, double Seconds, double EmitSeconds,
    IReadOnlyDictionary<string, long> Delivered, double EmitNsP50, double EmitNsP99, bool Drained,
    IReadOnlyDictionary<string, long> Dropped, bool IntoSinks = true)
{
    public double EmittedPerSecond => Events / Math.Max(EmitSeconds, 1e-9);

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, HumanJson.Writer()))
        {
            w.WriteStartObject();
            w.WriteNumber("events", Events);
            w.WriteString("sinks", IntoSinks ? "configured" : "counting");
            w.WriteNumber("seconds", Math.Round(Seconds, 3));
            w.WriteNumber("emitted_per_s", Math.Round(EmittedPerSecond));
            w.WriteStartObject("delivered");
            foreach (var (name, n) in Delivered) w.WriteNumber(name, n);
            w.WriteEndObject();
            w.WriteNumber("emit_ns_p50", Math.Round(EmitNsP50));
            w.WriteNumber("emit_ns_p99", Math.Round(EmitNsP99));
            w.WriteBoolean("drained", Drained);
            // Events a block could not take (queue full) or lost on failure: sizing needs both figures.
            w.WriteStartObject("dropped");
            foreach (var (name, n) in Dropped) w.WriteNumber(name, n);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>
/// Emits synthetic events (stream, source, play, DVR and memory events over 50 streams, each with
/// <c>"synthetic": true</c>) through the real router and waits until the sinks acknowledged them. By
/// default every block's sink is replaced by a counting sink (<see cref="CountingOptions"/>), so the
/// operator's real receivers, files and spools never see a synthetic event; <c>--into-sinks</c> uses
/// the configured sinks.
/// </summary>
internal static class NotifyBench
{
    /// <summary>The field every synthetic event carries, so a receiver can tell them from real ones.</summary>
    public const string SyntheticField = "synthetic";

    private static readonly string[] Media = Enumerable.Range(1, 50).Select(i => $"channel{i:00}").ToArray();

    /// <summary>
    /// Runs against a router built from <paramref name="options"/>, then drains and disposes it. Without
    /// <paramref name="intoSinks"/> the blocks (their filters, batching, resend buffer) are kept and their
    /// sinks and spools are not: each block delivers to a counting sink, in memory.
    /// </summary>
    public static async Task<NotifyBenchResult> RunAsync(NotifyOptions options, IPluginContributions contributions,
        int events, NotifyRouterSettings? settings = null, TimeSpan? drainTimeout = null, bool intoSinks = true, CancellationToken ct = default)
    {
        var router = intoSinks
            ? new EventRouter(settings ?? new NotifyRouterSettings(), contributions)
            : new EventRouter(settings ?? new NotifyRouterSettings(), new CountingContributions());
        await using (router.ConfigureAwait(false))
        {
            await router.ApplyAsync(intoSinks ? options : CountingOptions(options), cancellationToken: ct);
            return await RunAsync(router, events, drainTimeout, ct) with { IntoSinks = intoSinks };
        }
    }

    /// <summary>The same blocks with a counting sink each and no spool (nothing leaves the process).</summary>
    public static NotifyOptions CountingOptions(NotifyOptions options) => new(options.Blocks.Select(b => b with
    {
        Sink = CountingSinkFactory.Scheme + b.Name, SinkOptions = [], SignKeys = [], Spool = null,
        Text = b.Text + " (counting)",
    }).ToArray());

    /// <summary>Sink type <c>bench-count://NAME</c>: takes every batch at once and keeps nothing (the block counts what it delivered).</summary>
    private sealed class CountingSinkFactory : IEventSinkFactory, IEventSink
    {
        public const string Scheme = "bench-count://";
        public string Name => "bench-count";
        public string SpecForms => Scheme + "NAME";
        public bool Claims(string spec) => spec.StartsWith(Scheme, StringComparison.Ordinal);
        public void Validate(SinkContext context) { }
        public IEventSink Create(SinkContext context) => this;
        public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class CountingContributions : IPluginContributions
    {
        private readonly IEventSinkFactory[] _factories = [new CountingSinkFactory()];

        public IReadOnlyList<T> All<T>() where T : class => typeof(T) == typeof(IEventSinkFactory) ? (IReadOnlyList<T>)(object)_factories : [];
    }

    public static async Task<NotifyBenchResult> RunAsync(EventRouter router, int events, TimeSpan? drainTimeout = null, CancellationToken ct = default)
    {
        var before = router.Stats().ToDictionary(s => s.Name);
        var samples = new long[events];
        var mix = Mix();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            mix[i % mix.Length](router, Media[i % Media.Length]);
            samples[i] = Stopwatch.GetTimestamp() - t0;
        }
        var emitSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var deadline = Stopwatch.GetTimestamp() + (long)((drainTimeout ?? TimeSpan.FromSeconds(60)).TotalSeconds * Stopwatch.Frequency);
        var drained = false;
        while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
        {
            if (router.IsIdle) { drained = true; break; }
            await Task.Delay(2, ct);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var after = router.Stats();
        var delivered = after.ToDictionary(s => s.Name, s => s.Delivered - (before.TryGetValue(s.Name, out var b) ? b.Delivered : 0));
        var dropped = after.ToDictionary(s => s.Name, s => s.Dropped - (before.TryGetValue(s.Name, out var b) ? b.Dropped : 0));
        Array.Sort(samples);
        double Percentile(double p) => events == 0 ? 0 : samples[Math.Min(events - 1, (int)(p * events))] * 1e9 / Stopwatch.Frequency;
        return new(events, seconds, emitSeconds, delivered, Percentile(0.50), Percentile(0.99), drained, dropped);
    }

    private delegate void Emit(IEventEmitter emitter, string media);

    private static Emit[] Mix()
    {
        EventField synthetic = new(SyntheticField, true);
        EventField[] stream = [synthetic];
        EventField[] play = [new("ip", "10.0.0.7"), new("proto", "hls"), new("token", "abc123"), synthetic];
        EventField[] source = [new("url", "udp://239.0.0.1:1234"), synthetic];
        EventField[] fragment = [new("path", "2026/11/21/06/00/00.ts"), new("bytes", 1_843_200L), new("duration", 6000), synthetic];
        EventField[] memory = [new("total", 8L << 30), new("used", 5L << 30), synthetic];
        return
        [
            (e, m) => e.Emit(new EventDraft("stream_started") { Media = m, Fields = stream }),
            (e, m) => e.Emit(new EventDraft("play_started") { Media = m, Fields = play }),
            (e, m) => e.Emit(new EventDraft("dvr_new_fragment") { Media = m, Fields = fragment }),
            (e, m) => e.Emit(new EventDraft("play_closed") { Media = m, Fields = play }),
            (e, m) => e.Emit(new EventDraft("source_started") { Media = m, Fields = source }),
            (e, m) => e.Emit(new EventDraft("dvr_new_fragment") { Media = m, Fields = fragment }),
            (e, m) => e.Emit(new EventDraft("play_opened") { Media = m, Fields = play }),
            (e, m) => e.Emit(new EventDraft("source_closed") { Media = m, Fields = source }),
            (e, m) => e.Emit(new EventDraft("stream_stopped") { Media = m, Fields = stream }),
            (e, _) => e.Emit(new EventDraft("memory_usage") { Fields = memory }),
        ];
    }
}
