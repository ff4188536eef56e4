namespace Sluice.Host.Notify;

/// <summary>A block's delivery state: delivering, waiting to retry after failures, or disabled (HTTP 410) until the next reload.</summary>
internal enum BlockState { Healthy, Retrying, Disabled }

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
    DateTimeOffset? LastErrorTime)
{
    public BlockState State { get; init; }

    /// <summary>When the failures in a row began (Retrying).</summary>
    public DateTimeOffset? RetryingSince { get; init; }

    public DateTimeOffset? NextRetry { get; init; }

    /// <summary>Why the block is disabled (the receiver's 410 answer).</summary>
    public string? DisabledReason { get; init; }

    /// <summary>Age of the oldest event accepted and not delivered; null when none is pending.</summary>
    public TimeSpan? OldestPendingAge { get; init; }

    /// <summary>Spool folder, its size on disk and its unacknowledged events (null without a spool).</summary>
    public string? SpoolFolder { get; init; }

    public long? SpoolBytes { get; init; }

    public long? Spooled { get; init; }
}
