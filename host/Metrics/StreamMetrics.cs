using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify;
using Sluice.Host.Streams;

namespace Sluice.Host.Metrics;

/// <summary>
/// Per-stream series, read from the registry's snapshots when scraped (nothing is added to the frame path
/// but two counters), and what only events tell: source switches and open play sessions per protocol,
/// counted by a tap on the router.
/// </summary>
internal sealed class StreamMetrics : IDisposable
{
    private static readonly TimeSpan SnapshotAge = TimeSpan.FromMilliseconds(500);

    private readonly Meter _meter = new(SluiceMeters.Streams);
    private readonly StreamRegistry _registry;
    private readonly TimeProvider _time;
    private readonly IDisposable _tap;
    private readonly Counter<long> _switches;
    private readonly ConcurrentDictionary<(string Stream, string Protocol), int> _viewers = new();
    private readonly object _gate = new();
    private StreamSnapshot[] _snapshots = [];
    private DateTimeOffset _taken;

    public StreamMetrics(StreamRegistry registry, EventRouter router, TimeProvider time)
    {
        _registry = registry;
        _time = time;
        _meter.CreateObservableGauge("sluice_streams", () => Snapshots().Length, description: "Streams running now.");
        _meter.CreateObservableGauge("sluice_stream_state", States, description: "1 for the state each stream is in (label state).");
        // Prometheus' base unit is the byte (promtool refuses "bits"): the bitrate divided by 8.
        _meter.CreateObservableGauge("sluice_stream_input_bytes_per_second", () => Snapshots().Select(s => new Measurement<double>(s.BitsPerSecond / 8.0, Tag(s))),
            unit: "bytes/s", description: "Input rate over the last 5 s, in bytes per second (the bitrate / 8).");
        _meter.CreateObservableCounter("sluice_stream_input_bytes", () => Each(s => s.BytesIn),
            unit: "bytes", description: "Payload bytes taken from the stream's sources in this run.");
        _meter.CreateObservableCounter("sluice_stream_input_frames", () => Each(s => s.FramesIn),
            description: "Frames taken from the stream's sources in this run.");
        _meter.CreateObservableCounter("sluice_stream_dropped_frames", () => Each(s => s.Dropped),
            description: "Frames dropped for readers that fell behind, in this run.");
        _meter.CreateObservableGauge("sluice_stream_readers", () => Each(s => (long)s.Readers), description: "Readers of the stream (protocol outputs, DVR, thumbnails).");
        _meter.CreateObservableGauge("sluice_stream_uptime_seconds", () => Snapshots().Select(s => new Measurement<double>(s.Uptime.TotalSeconds, Tag(s))),
            unit: "seconds", description: "Time since this run of the stream started.");
        _meter.CreateObservableGauge("sluice_stream_viewers", Viewers, description: "Open play sessions per stream and protocol.");
        _switches = _meter.CreateCounter<long>("sluice_stream_source_switches", description: "Switches to another input (source_switch events).");
        _tap = router.Subscribe(MetricsFilters.StreamEvents, Count);
    }

    private static KeyValuePair<string, object?> Tag(StreamSnapshot s) => new("stream", s.Name);

    private StreamSnapshot[] Snapshots()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now - _taken > SnapshotAge)
            {
                _snapshots = _registry.Running.Select(s => s.Snapshot()).ToArray();
                _taken = now;
            }
            return _snapshots;
        }
    }

    private IEnumerable<Measurement<long>> Each(Func<StreamSnapshot, long> value) =>
        Snapshots().Select(s => new Measurement<long>(value(s), Tag(s)));

    private IEnumerable<Measurement<int>> States() =>
        Snapshots().Select(s => new Measurement<int>(1, Tag(s), new("state", s.State.ToName())));

    private IEnumerable<Measurement<int>> Viewers() =>
        _viewers.Where(kv => kv.Value > 0).Select(kv => new Measurement<int>(kv.Value, new("stream", kv.Key.Stream), new("protocol", kv.Key.Protocol)));

    /// <summary>The tap: runs in the emitter's thread, so it only adds to counters.</summary>
    private void Count(SluiceEvent e)
    {
        if (e.Media is not { } stream) return;
        switch (e.Name)
        {
            case "source_switch":
                _switches.Add(1, new KeyValuePair<string, object?>("stream", stream));
                break;
            case "play_opened":
                _viewers.AddOrUpdate((stream, Protocol(e)), 1, (_, n) => n + 1);
                break;
            case "play_closed":
                _viewers.AddOrUpdate((stream, Protocol(e)), 0, (_, n) => Math.Max(0, n - 1));
                break;
        }
    }

    internal static string Protocol(SluiceEvent e) => e.TryGet("protocol", out var p) && p.AsString is { } s ? s : "unknown";

    public void Dispose()
    {
        _tap.Dispose();
        _meter.Dispose();
    }
}
