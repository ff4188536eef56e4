using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify.Spool;

namespace Sluice.Host.Notify;

/// <summary>
/// Durable delivery for a block with <c>spool</c>: a writer task of its own takes what the router queued,
/// appends it to the block's <see cref="SpoolLog"/> and commits (one <c>fdatasync</c> for all that came
/// during the previous one: group commit, no timer); only then are the events deliverable, and
/// <see cref="WhenDurableAsync"/> answers. The delivery loop reads them in order, from memory while it
/// keeps up (the most recent <see cref="RecentLimit"/>) and from the files otherwise (after an outage,
/// after a restart); a delivered batch is acknowledged and its segments retired by the writer. A failed
/// batch is simply read again: nothing is dropped except by the size bound.
/// </summary>
internal sealed class SpoolBacklog : Backlog
{
    /// <summary>Durable events kept in memory for the delivery loop; older ones are read back from disk.</summary>
    public const int RecentLimit = 20_000;

    private readonly BlockQueue _queue;
    private readonly SpoolLog _log;
    private readonly ILogger _logger;
    private readonly string _block;
    private readonly TimeProvider _time;
    private readonly int _maxBatch;
    private readonly Task _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<(long Seq, SluiceEvent Event)> _recent = new();   // guarded by itself
    private readonly List<(long Seq, SluiceEvent Event)> _read = [];
    private EventBatch _batch;
    private long _batchLastSeq;
    private long _next;                 // the delivery loop: sequence of the next event to deliver
    private long _durableQueued;        // queue positions made durable
    private long _durableSeq;
    private volatile bool _writerDone;
    private volatile string? _writeError;
    private volatile TaskCompletionSource _committed = NewSignal();
    private volatile TaskCompletionSource _deliverable = NewSignal();

    public SpoolBacklog(BlockQueue queue, SpoolLog log, string block, int maxBatch, TimeProvider time, ILogger logger)
    {
        _queue = queue;
        _log = log;
        _block = block;
        _maxBatch = maxBatch;
        _time = time;
        _logger = logger;
        _batch = new EventBatch(maxBatch);
        _next = log.Acked + 1;
        _durableSeq = log.LastSeq;
        if (log.Recovered > 0 || log.TornBytes > 0)
            logger.LogWarning("notify {Block}: spool {Folder} holds {Count} events not acknowledged before the last stop, delivering them first{Torn}",
                block, log.Folder, log.Recovered, log.TornBytes > 0 ? $" (a torn record of {log.TornBytes} bytes at the end was cut off)" : "");
        _writer = Task.Run(WriteLoopAsync);
    }

    public SpoolLog Log => _log;

    /// <summary>The last write or sync error, while the writer cannot make events durable.</summary>
    public string? WriteError => _writeError;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first <paramref name="queuePosition"/> events the router queued for this block are on disk.</summary>
    public async Task WhenDurableAsync(long queuePosition, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _durableQueued) < queuePosition)
        {
            var signal = _committed.Task;
            if (Volatile.Read(ref _durableQueued) >= queuePosition) return;
            if (_writerDone) throw new IOException($"notify {_block}: the spool stopped before the events were written");
            await signal.WaitAsync(cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        var taken = new List<(long, SluiceEvent)>(4096);
        var failures = 0;
        var more = true;
        try
        {
            while (true)
            {
                if (failures == 0)
                {
                    try { more = await _queue.WaitToReadAsync(_stop.Token); }
                    catch (OperationCanceledException) { more = false; }
                }
                if (taken.Count == 0)
                {
                    while (taken.Count < 65536 && _log.HasRoomInCommit && _queue.TryRead(out var e)) taken.Add((_log.Append(e), e));
                }
                if (taken.Count == 0 && !_log.AckPending)
                {
                    if (!more) break;
                    continue;
                }
                try
                {
                    _durableSeq = _log.Commit();
                    failures = 0;
                    _writeError = null;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Disk full, I/O error: the events stay appended and are written again; the API waits.
                    _writeError = e.Message;
                    if (failures++ == 0) _logger.LogError("notify {Block}: writing spool {Folder} failed: {Error}; retrying", _block, _log.Folder, e.Message);
                    if (_stop.IsCancellationRequested) break;
                    try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 << Math.Min(failures, 5))), _time, _stop.Token); }
                    catch (OperationCanceledException) { break; }
                    continue;
                }
                if (taken.Count > 0)
                {
                    lock (_recent)
                    {
                        foreach (var t in taken)
                        {
                            if (_recent.Count >= RecentLimit) break;
                            _recent.Enqueue(t);
                        }
                    }
                    Interlocked.Add(ref _durableQueued, taken.Count);
                    taken.Clear();
                    Interlocked.Exchange(ref _committed, NewSignal()).TrySetResult();
                    Interlocked.Exchange(ref _deliverable, NewSignal()).TrySetResult();
                }
                if (!more && _queue.IsEmpty) break;
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "notify {Block}: the spool writer failed", _block);
        }
        finally
        {
            _writerDone = true;
            _committed.TrySetResult();
            _deliverable.TrySetResult();
        }
    }

    public override bool KeepsFailed => true;

    public override IReadOnlyList<SluiceEvent> Take(int max)
    {
        _read.Clear();
        lock (_recent)
        {
            while (_recent.TryPeek(out var r) && r.Seq < _next) _recent.Dequeue();
            var expected = _next;
            foreach (var r in _recent)
            {
                if (r.Seq != expected || _read.Count == max) break;
                _read.Add(r);
                expected++;
            }
        }
        if (_read.Count == 0 && Volatile.Read(ref _durableSeq) >= _next)
        {
            _log.Read(_next, max, _read);
            // Stop before what memory holds, so the two never overlap.
            lock (_recent)
            {
                if (_recent.TryPeek(out var first)) _read.RemoveAll(r => r.Seq >= first.Seq);
            }
        }
        for (var i = 0; i < _read.Count; i++) _batch.TryAdd(_read[i].Event);
        _batchLastSeq = _read.Count > 0 ? _read[^1].Seq : 0;
        return _batch;
    }

    public override void Delivered(IReadOnlyList<SluiceEvent> batch)
    {
        if (_batchLastSeq > 0)
        {
            _next = _batchLastSeq + 1;
            _log.Ack(_batchLastSeq);
            _queue.Nudge(); // the writer records the ack and retires segments
        }
        _batch.Clear();
    }

    public override long Failed(IReadOnlyList<SluiceEvent> batch)
    {
        _batch = new EventBatch(_maxBatch); // the sink may still hold the failed list; the events are read again
        return 0;
    }

    public override async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = _deliverable.Task;
            _next = Math.Max(_next, _log.Acked + 1); // the size bound may have dropped what came next
            if (Volatile.Read(ref _durableSeq) >= _next) return true;
            if (_writerDone) return false;
            await signal.WaitAsync(cancellationToken);
        }
    }

    public override long Pending => _queue.Count + _log.Pending;

    public override long Held => _log.Pending;

    public override long? OldestUtcMs
    {
        get
        {
            lock (_recent)
            {
                if (_log.Pending > 0 && _recent.TryPeek(out var r) && r.Seq == _log.Acked + 1) return r.Event.UtcMs;
            }
            return _log.Pending > 0 ? OldestOnDisk() : _queue.PeekOldest()?.UtcMs;
        }
    }

    private long? _oldestOnDiskSeq;
    private long _oldestOnDiskUtcMs;

    /// <summary>The time of the first unacknowledged event when it is only on disk (looked up once per position).</summary>
    private long? OldestOnDisk()
    {
        var seq = _log.Acked + 1;
        if (_oldestOnDiskSeq == seq) return _oldestOnDiskUtcMs;
        return null; // read by the delivery loop when it takes that batch (see NoteOldest)
    }

    /// <summary>Called by the delivery loop with the batch it took, so stats know the oldest pending time without disk reads.</summary>
    public void NoteOldest(IReadOnlyList<SluiceEvent> batch)
    {
        if (batch.Count == 0 || _read.Count == 0) return;
        _oldestOnDiskUtcMs = batch[0].UtcMs;
        _oldestOnDiskSeq = _read[0].Seq;
    }

    /// <summary>Waits for the writer to commit what was queued before the queue was completed.</summary>
    public async Task StopWriterAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_writer, Task.Delay(timeout, _time)) != _writer) _stop.Cancel();
        await _writer;
    }

    public override async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _queue.Complete();
        await _writer;
        try { _log.Commit(); } catch (IOException) { /* the ack repeats some events after the restart at worst */ }
        _log.Dispose();
        _stop.Dispose();
    }
}
