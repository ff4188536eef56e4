using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify;
using Sluice.Host.Streams;

namespace Sluice.Host.Metrics;

/// <summary>Sessions (play and publish) by protocol, from the session events; the total open from the tracker.</summary>
internal sealed class SessionMetrics : IDisposable
{
    private readonly Meter _meter = new(SluiceMeters.Sessions);
    private readonly IDisposable _tap;
    private readonly Counter<long> _opened;
    private readonly ConcurrentDictionary<(string Type, string Protocol), int> _open = new();

    public SessionMetrics(SessionTracker sessions, EventRouter router)
    {
        _meter.CreateObservableGauge("sluice_sessions_open", () => sessions.Open, description: "Sessions open now (counted against max_sessions).");
        _meter.CreateObservableGauge("sluice_sessions", () => _open.Where(kv => kv.Value > 0)
                .Select(kv => new Measurement<int>(kv.Value, new("type", kv.Key.Type), new("protocol", kv.Key.Protocol))),
            description: "Open sessions per type (play, publish) and protocol.");
        _meter.CreateObservableGauge("sluice_sessions_limit", () => sessions.MaxSessions is { } max ? [new Measurement<int>(max)] : Array.Empty<Measurement<int>>(),
            description: "max_sessions, when set.");
        _opened = _meter.CreateCounter<long>("sluice_sessions_opened", description: "Sessions opened, per type and protocol.");
        _tap = router.Subscribe(MetricsFilters.SessionEvents, Count);
    }

    private void Count(SluiceEvent e)
    {
        var type = e.TryGet("type", out var t) && t.AsString is { } s ? s : "unknown";
        var key = (type, StreamMetrics.Protocol(e));
        if (e.Name == "session_opened")
        {
            _opened.Add(1, new KeyValuePair<string, object?>("type", key.type), new KeyValuePair<string, object?>("protocol", key.Item2));
            _open.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
        else _open.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));
    }

    public void Dispose()
    {
        _tap.Dispose();
        _meter.Dispose();
    }
}
