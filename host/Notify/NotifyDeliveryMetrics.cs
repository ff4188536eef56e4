using System.Diagnostics.Metrics;

namespace Sluice.Host.Notify;

/// <summary>
/// The delivery latency histogram, the one notify series the blocks record themselves (once per batch); the rest is
/// read from the blocks' stats when scraped (host/Metrics/NotifyMetrics.cs). Here so that Notify needs nothing of Metrics.
/// </summary>
internal static class NotifyDeliveryMetrics
{
    public const string MeterName = "Sluice.Notify.Delivery";

    private static readonly Meter Latency = new(MeterName);
    private static readonly Histogram<double> Deliveries = Latency.CreateHistogram<double>("sluice_notify_delivery_duration_seconds",
        unit: "seconds", description: "Time a sink took to take one batch (outcome delivered or failed).");

    public static void Record(string block, TimeSpan elapsed, bool delivered)
    {
        if (!Deliveries.Enabled) return;
        Deliveries.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("block", block),
            new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
    }
}
