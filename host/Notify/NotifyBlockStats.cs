namespace Sluice.Host.Notify;

/// <summary>A block's counters at one moment (<c>GET /api/v1/notify</c>, bench, explain).</summary>
internal sealed record NotifyBlockStats(
    string Name,
    string Sink,
    string SinkType,
    long Queued,
    long Delivered,
    long DeliveredBatches,
    long FailedBatches,
    long Dropped,
    long InResendBuffer,
    string? LastError,
    DateTimeOffset? LastErrorTime);
