using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// Where a block's delivery loop takes its batches from and what happens to a batch after the sink
/// answered: <see cref="MemoryBacklog"/> (the queue and the spec's resend buffer) or
/// <see cref="SpoolBacklog"/> (the durable spool). Used by the block's loop only, except the counters.
/// </summary>
internal abstract class Backlog : IAsyncDisposable
{
    /// <summary>A failed batch is kept and tried again (resend buffer or spool); otherwise it is dropped.</summary>
    public abstract bool KeepsFailed { get; }

    /// <summary>Up to <paramref name="max"/> events to deliver next, oldest first; empty when nothing is due.</summary>
    public abstract IReadOnlyList<SluiceEvent> Take(int max);

    /// <summary>The sink took the batch <see cref="Take"/> gave.</summary>
    public abstract void Delivered(IReadOnlyList<SluiceEvent> batch);

    /// <summary>The sink failed the batch; returns how many events were dropped for it.</summary>
    public abstract long Failed(IReadOnlyList<SluiceEvent> batch);

    /// <summary>The retry time came: a memory backlog moves what was queued meanwhile behind what it holds.</summary>
    public virtual long RetryDue() => 0;

    /// <summary>True when <see cref="Take"/> may have something (or the loop was nudged); false once closed and drained.</summary>
    public abstract ValueTask<bool> WaitAsync(CancellationToken cancellationToken);

    /// <summary>Events accepted and not delivered yet (queued, held for resend, or spooled).</summary>
    public abstract long Pending { get; }

    /// <summary>Held for resend (memory) or in the spool and not acknowledged.</summary>
    public abstract long Held { get; }

    /// <summary>The <c>utc_ms</c> of the oldest pending event, when known.</summary>
    public abstract long? OldestUtcMs { get; }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
