using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// A block's queue: many emitters, one delivery loop. Writing is a lock-free enqueue plus one read of
/// a flag; only a write that finds the loop parked (queue was empty) wakes it, through one reusable
/// value-task source, so a busy block costs no lock and no allocation per event.
/// </summary>
internal sealed class BlockQueue : IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<SluiceEvent> _items = new();
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private int _parked;       // 1 while the loop waits; whoever swaps it to 0 completes _wake
    private int _nudged;       // 1 when the loop must look at something other than the queue
    private volatile bool _completed;

    public bool IsEmpty => _items.IsEmpty;

    /// <summary>False once <see cref="Complete"/> was called.</summary>
    public bool TryWrite(SluiceEvent evt)
    {
        if (_completed) return false;
        _items.Enqueue(evt);
        // The enqueue's publishing store must be visible before the flag is read (the loop sets the
        // flag, then looks at the queue): without a full fence a store-load reordering loses a wake-up.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _parked) == 1) Wake();
        return true;
    }

    public bool TryRead(out SluiceEvent evt) => _items.TryDequeue(out evt!);

    /// <summary>
    /// Wakes the loop without an event: <see cref="WaitToReadAsync"/> returns true once even if the queue
    /// is empty (a new setup for an idle block must be taken now, not at its next event).
    /// </summary>
    public void Nudge()
    {
        Interlocked.Exchange(ref _nudged, 1); // a full fence, like the enqueue in TryWrite
        if (Volatile.Read(ref _parked) == 1) Wake();
    }

    /// <summary>No more writes; the loop gets false from <see cref="WaitToReadAsync"/> once the queue is empty.</summary>
    public void Complete()
    {
        _completed = true;
        Wake();
    }

    /// <summary>
    /// True when there is something to read (or the loop was nudged), false when completed and empty. Only the delivery loop
    /// calls it (never twice at once); throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_items.IsEmpty) return true;
            if (_completed) return false;
            if (Interlocked.Exchange(ref _nudged, 0) == 1) return true;
            cancellationToken.ThrowIfCancellationRequested();
            _wake.Reset();
            Interlocked.Exchange(ref _parked, 1); // a full fence: a writer after this sees the flag
            if ((!_items.IsEmpty || _completed || Volatile.Read(ref _nudged) == 1) && Interlocked.Exchange(ref _parked, 0) == 1) continue;
            // Parked (or a writer already took the flag and completes _wake right away).
            await using (cancellationToken.UnsafeRegister(static s => ((BlockQueue)s!).Wake(), this))
            {
                await new ValueTask<bool>(this, _wake.Version);
            }
        }
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _parked, 0) == 1) _wake.SetResult(true);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _wake.OnCompleted(continuation, state, token, flags);
}
