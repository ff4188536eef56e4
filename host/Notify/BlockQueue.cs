using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// A block's bounded queue: ONE writer at a time (the router writes every block's queue under its one
/// emit lock, so all blocks see events in the same order) and one reader (the block's loop). A write is
/// a slot store and a counter store, no atomic instruction: the writer reads the reader's counter only
/// when the queue looks full, and the reader publishes its counter once per batch, so neither side
/// takes the other's cache line per event. Slots live in linked segments of 1024, the drained one is
/// handed back for reuse. Only a write that finds the loop parked wakes it, through one reusable
/// value-task source: a busy block costs no lock and no allocation per event.
/// </summary>
internal sealed class BlockQueue : IValueTaskSource<bool>
{
    private const int SegmentSize = 1024;

    private sealed class Segment
    {
        public readonly SluiceEvent?[] Items = new SluiceEvent?[SegmentSize];
        public Segment? Next;
    }

    /// <summary>Keeps the writer's and the reader's counters on cache lines of their own.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Counters
    {
        [FieldOffset(64)] public long Written;   // published by the writer after each slot
        [FieldOffset(128)] public long Read;     // published by the reader after each batch
    }

    private readonly int _capacity;
    private Counters _counters;
    // Writer side.
    private Segment _tail;
    private int _tailIndex;
    private long _readSeen;
    // Reader side.
    private Segment _head;
    private int _headIndex;
    private long _readLocal;
    private Segment? _spare;

    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = true };
    private int _parked;       // 1 while the loop waits; whoever swaps it to 0 completes _wake
    private int _nudged;       // 1 when the loop must look at something other than the queue
    private volatile bool _completed;

    public BlockQueue(int capacity = int.MaxValue)
    {
        _capacity = Math.Max(1, capacity);
        _head = _tail = new Segment();
    }

    /// <summary>Events written and not read yet (exact for the reader, a snapshot for others).</summary>
    public int Count => (int)Math.Max(0, Volatile.Read(ref _counters.Written) - Volatile.Read(ref _counters.Read));

    public bool IsEmpty => Volatile.Read(ref _counters.Written) == _readLocal;

    /// <summary>Every event ever written (the position <see cref="Write"/> returned for the last one).</summary>
    public long Written => Volatile.Read(ref _counters.Written);

    public bool IsCompleted => _completed;

    /// <summary>
    /// Writer only (callers serialize): appends <paramref name="evt"/> and returns its position (1, 2, ...),
    /// or 0 when the queue is full or completed (the caller counts the drop). Does not wake the reader:
    /// after its writes the caller issues a full fence and calls <see cref="WakeIfParked"/>.
    /// </summary>
    public long Write(SluiceEvent evt)
    {
        if (_completed) return 0;
        var written = _counters.Written;
        if (written - _readSeen >= _capacity)
        {
            _readSeen = Volatile.Read(ref _counters.Read);
            if (written - _readSeen >= _capacity) return 0;
        }
        if (_tailIndex == SegmentSize)
        {
            var next = Interlocked.Exchange(ref _spare, null) ?? new Segment();
            Volatile.Write(ref _tail.Next, next);
            _tail = next;
            _tailIndex = 0;
        }
        _tail.Items[_tailIndex++] = evt;
        Volatile.Write(ref _counters.Written, written + 1);
        return written + 1;
    }

    /// <summary>Writes one event and wakes the reader (for a single writer outside the router, e.g. tests).</summary>
    public bool TryWrite(SluiceEvent evt)
    {
        var ok = Write(evt) > 0;
        Interlocked.MemoryBarrier();
        WakeIfParked();
        return ok;
    }

    /// <summary>Writer side, after a full fence that follows its writes: wakes the loop if it is parked.</summary>
    public void WakeIfParked()
    {
        if (Volatile.Read(ref _parked) == 1) Wake();
    }

    /// <summary>Reader only: the oldest event, or false when empty.</summary>
    public bool TryRead(out SluiceEvent evt)
    {
        if (Volatile.Read(ref _counters.Written) == _readLocal) { evt = null!; return false; }
        evt = Take();
        Volatile.Write(ref _counters.Read, _readLocal);
        return true;
    }

    /// <summary>Reader only: moves up to <paramref name="max"/> events, oldest first, into <paramref name="batch"/>; returns how many.</summary>
    public int ReadInto(EventBatch batch, int max)
    {
        var available = Volatile.Read(ref _counters.Written) - _readLocal;
        var n = (int)Math.Min(available, Math.Min(max, batch.Room));
        for (var i = 0; i < n; i++) batch.TryAdd(Take());
        if (n > 0) Volatile.Write(ref _counters.Read, _readLocal);
        return n;
    }

    /// <summary>A racy look at the oldest event (for stats from other threads); null when empty.</summary>
    public SluiceEvent? PeekOldest()
    {
        if (Count == 0) return null;
        var head = _head;
        var index = _headIndex;
        return index < SegmentSize ? Volatile.Read(ref head.Items[index]) : Volatile.Read(ref head.Next)?.Items[0];
    }

    private SluiceEvent Take()
    {
        if (_headIndex == SegmentSize)
        {
            var done = _head;
            _head = Volatile.Read(ref done.Next)!;
            _headIndex = 0;
            done.Next = null;
            Volatile.Write(ref _spare, done);
        }
        var evt = _head.Items[_headIndex]!;
        _head.Items[_headIndex++] = null;
        _readLocal++;
        return evt;
    }

    /// <summary>
    /// Wakes the loop without an event: <see cref="WaitToReadAsync"/> returns true once even if the queue
    /// is empty (a new setup for an idle block must be taken now, not at its next event).
    /// </summary>
    public void Nudge()
    {
        Interlocked.Exchange(ref _nudged, 1); // a full fence, like the router's after its writes
        if (Volatile.Read(ref _parked) == 1) Wake();
    }

    /// <summary>No more writes; the loop gets false from <see cref="WaitToReadAsync"/> once the queue is empty.</summary>
    public void Complete()
    {
        _completed = true;
        Interlocked.MemoryBarrier();
        Wake();
    }

    /// <summary>
    /// True when there is something to read (or the loop was nudged), false when completed and empty. Only the reader
    /// calls it (never twice at once); throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!IsEmpty) return true;
            if (_completed) return !IsEmpty;
            if (Interlocked.Exchange(ref _nudged, 0) == 1) return true;
            cancellationToken.ThrowIfCancellationRequested();
            _wake.Reset();
            Interlocked.Exchange(ref _parked, 1); // a full fence: a writer after this sees the flag
            if ((!IsEmpty || _completed || Volatile.Read(ref _nudged) == 1) && Interlocked.Exchange(ref _parked, 0) == 1) continue;
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
