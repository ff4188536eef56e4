using System.Diagnostics.Metrics;
using Sluice.Host.Api.Events;

namespace Sluice.Host.Metrics;

/// <summary>The event tail's clients: connected now, and dropped for reading too slowly.</summary>
internal sealed class EventTailMetrics : IDisposable
{
    private readonly Meter _meter = new(SluiceMeters.EventTail);

    public EventTailMetrics(EventTailStats stats)
    {
        _meter.CreateObservableGauge("sluice_event_tail_clients", () => stats.Open, description: "Clients of GET /api/v1/events/stream.");
        _meter.CreateObservableCounter("sluice_event_tail_dropped_clients", () => stats.DroppedTotal,
            description: "Event tail clients cut off because they read too slowly.");
    }

    public void Dispose() => _meter.Dispose();
}
