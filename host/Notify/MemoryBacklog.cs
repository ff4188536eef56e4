using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// The spec's delivery without a spool: batches come from the block's queue; with
/// <c>resend_notifications_limit</c> a failed batch goes to the resend buffer (the most recent N are
/// kept), which is retried oldest first before any newer event; at each retry time what was queued
/// meanwhile moves behind it (the limit applies). Without it a failed batch is dropped.
/// </summary>
internal sealed class MemoryBacklog(BlockQueue queue, int maxBatch, int? resendLimit) : Backlog
{
    private EventBatch _batch = new(maxBatch);
    private ResendBuffer? _resend = resendLimit is { } limit ? new ResendBuffer(limit) : null;
    private bool _fromResend;

    public override bool KeepsFailed => _resend is not null;

    /// <summary>Applies a changed <c>resend_notifications_limit</c>; returns the events that fell out or must go out once.</summary>
    public (long Dropped, SluiceEvent[] Flush) Resize(int? limit)
    {
        if (limit is { } n)
        {
            _resend ??= new ResendBuffer(n);
            _resend.Limit = n;
            return (_resend.Trim(), []);
        }
        if (_resend is null) return (0, []);
        // Resend switched off: what it held goes out first, once, like queued events.
        var held = _resend.TakeAll();
        _resend = null;
        return (0, held);
    }

    public override IReadOnlyList<SluiceEvent> Take(int max)
    {
        if (_resend is { Count: > 0 })
        {
            _fromResend = true;
            return _resend.PeekBatch(max);
        }
        _fromResend = false;
        queue.ReadInto(_batch, max);
        return _batch;
    }

    public override void Delivered(IReadOnlyList<SluiceEvent> batch)
    {
        if (_fromResend) _resend!.RemoveFirst(batch.Count);
        else _batch.Clear(); // reused for the next batch
    }

    public override long Failed(IReadOnlyList<SluiceEvent> batch)
    {
        if (_fromResend) return 0; // still held
        // The sink may still hold the failed list: the next batch gets a new one.
        _batch = new EventBatch(maxBatch);
        return _resend is null ? batch.Count : _resend.AddRange(batch);
    }

    public override long RetryDue()
    {
        if (_resend is null) return 0;
        long dropped = 0;
        var moving = new EventBatch(maxBatch);
        while (queue.ReadInto(moving, maxBatch) > 0)
        {
            dropped += _resend.AddRange(moving);
            moving.Clear();
        }
        return dropped;
    }

    public override ValueTask<bool> WaitAsync(CancellationToken cancellationToken) =>
        _resend is { Count: > 0 } ? ValueTask.FromResult(true) : queue.WaitToReadAsync(cancellationToken);

    public override long Pending => queue.Count + (_resend?.Count ?? 0);

    public override long Held => _resend?.Count ?? 0;

    public override long? OldestUtcMs => (_resend?.Oldest ?? queue.PeekOldest())?.UtcMs;
}
