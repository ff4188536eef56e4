using System.Diagnostics.Metrics;
using Sluice.Host.Notify;

namespace Sluice.Host.Metrics;

/// <summary>
/// Per notify block series, read from <see cref="EventRouter.Stats"/> when scraped, and the delivery latency
/// histogram, which the blocks record themselves (<see cref="NotifyDeliveryMetrics"/>).
/// </summary>
internal sealed class NotifyMetrics : IDisposable
{
    private readonly Meter _meter = new(SluiceMeters.Notify);

    public NotifyMetrics(EventRouter router)
    {
        IEnumerable<Measurement<long>> Each(Func<NotifyBlockStats, long> value) =>
            router.Stats().Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("block", s.Name)));

        _meter.CreateObservableGauge("sluice_notify_queued_events", () => Each(s => s.Queued), description: "Events waiting in the block's queue.");
        _meter.CreateObservableCounter("sluice_notify_delivered_events", () => Each(s => s.Delivered), description: "Events the sink took.");
        _meter.CreateObservableCounter("sluice_notify_delivered_batches", () => Each(s => s.DeliveredBatches), description: "Batches the sink took.");
        _meter.CreateObservableCounter("sluice_notify_failed_batches", () => Each(s => s.FailedBatches), description: "Batches the sink failed to take.");
        _meter.CreateObservableCounter("sluice_notify_dropped_events", () => Each(s => s.Dropped),
            description: "Events dropped: queue full, failed without resend, or pushed out of the resend buffer.");
        _meter.CreateObservableGauge("sluice_notify_resend_events", () => Each(s => s.InResendBuffer),
            description: "Undelivered events held for resending (resend_notifications_limit).");
        _meter.CreateObservableGauge("sluice_notify_last_error_time_seconds", () => router.Stats().Where(s => s.LastErrorTime is not null)
                .Select(s => new Measurement<double>(s.LastErrorTime!.Value.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("block", s.Name))),
            unit: "seconds", description: "Unix time of the block's last delivery failure.");
    }

    /// <summary>Called by a block after each delivery attempt.</summary>

    public void Dispose() => _meter.Dispose();
}
