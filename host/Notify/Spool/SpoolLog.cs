using System.Buffers;
using System.Globalization;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify.Spool;

/// <summary>
/// A notify block's write-ahead log on disk: segment files <c>FIRSTSEQ.wal</c> (16 hex digits) of
/// <see cref="SpoolRecord"/>s in one folder, locked by this process (<c>lock</c>, exclusive).
/// Events are appended by one writer and made durable together by <see cref="Commit"/> (one write and
/// one <c>fdatasync</c>: group commit); the delivery loop reads them back in order and acknowledges
/// them; a segment whose events were all acknowledged is deleted. Opening scans every segment: the
/// acknowledged position is the last ack record, and a torn record at the end of the last segment (a
/// write cut short by a crash) is cut off. Above <see cref="MaxBytes"/> the oldest segment is dropped,
/// acknowledged or not, and its unacknowledged events are counted in <see cref="Dropped"/>.
/// </summary>
internal sealed class SpoolLog : IDisposable
{
    private const string Extension = ".wal";

    private sealed class Segment(string path, long firstSeq)
    {
        public string Path { get; } = path;
        public long FirstSeq { get; } = firstSeq;
        public long LastSeq { get; set; } = firstSeq - 1; // no event yet
        public long Length { get; set; }                 // committed bytes
    }

    private readonly object _gate = new();   // segments, lengths, acked: shared by writer, reader and stats
    private readonly List<Segment> _segments = [];
    private readonly FileStream _lock;
    private readonly ArrayBufferWriter<byte> _pending = new(64 << 10);
    private readonly long _segmentBytes;
    private FileStream _active = null!;
    private long _nextSeq = 1;    // after the last durable event
    private long _appendSeq = 1;  // writer: the sequence the next appended event gets
    private long _acked;          // every event up to here was acknowledged (or dropped)
    private long _ackWritten;     // the last ack record written
    private long _dropped;
    // Reader state (the delivery loop only).
    private FileStream? _reading;
    private string? _readingPath;
    private long _hintSeq = -1, _hintOffset;
    private byte[] _readBuffer = new byte[256 << 10];

    private SpoolLog(string folder, long maxBytes, FileStream lockFile)
    {
        Folder = folder;
        MaxBytes = maxBytes;
        _lock = lockFile;
        _segmentBytes = Math.Clamp(maxBytes / 8, 64 << 10, 64 << 20);
    }

    public string Folder { get; }

    /// <summary>The bound of the segments' total size (<c>spool PATH SIZE</c>).</summary>
    public long MaxBytes { get; set; }

    /// <summary>What opening found: events not acknowledged yet, and bytes of a torn tail cut off.</summary>
    public long Recovered { get; private set; }

    public long TornBytes { get; private set; }

    /// <summary>Unacknowledged events dropped because the spool was full, since it was opened.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Size of the segments on disk.</summary>
    public long Bytes { get { lock (_gate) return _segments.Sum(s => s.Length); } }

    /// <summary>The last event made durable; events after <see cref="Acked"/> up to here are pending.</summary>
    public long LastSeq { get { lock (_gate) return CommittedLastSeq; } }

    public long Acked { get { lock (_gate) return _acked; } }

    /// <summary>Events durable and not acknowledged.</summary>
    public long Pending { get { lock (_gate) return Math.Max(0, CommittedLastSeq - _acked); } }

    private long CommittedLastSeq => _segments.Count == 0 ? _acked : Math.Max(_acked, _segments[^1].LastSeq);

    /// <summary>
    /// Opens (creating) the spool in <paramref name="folder"/> and recovers it. Throws <see cref="IOException"/>
    /// or <see cref="UnauthorizedAccessException"/> with a message fit for the operator (folder not writable,
    /// used by another process).
    /// </summary>
    public static SpoolLog Open(string folder, long maxBytes)
    {
        Directory.CreateDirectory(folder);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock on Unix: a second process fails here.
            lockFile = new FileStream(Path.Combine(folder, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"spool folder '{folder}' is in use by another process ({e.Message})", e);
        }
        var log = new SpoolLog(folder, maxBytes, lockFile);
        try
        {
            log.Recover();
            return log;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    private void Recover()
    {
        var files = Directory.GetFiles(Folder, "*" + Extension)
            .Select(p => (Path: p, First: long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.HexNumber, null, out var f) ? f : -1))
            .Where(f => f.First > 0).OrderBy(f => f.First).ToArray();
        long ackedSeen = 0, lastEvent = 0;
        for (var i = 0; i < files.Length; i++)
        {
            var segment = new Segment(files[i].Path, files[i].First);
            var data = File.ReadAllBytes(segment.Path);
            var at = 0;
            while (at < data.Length && SpoolRecord.TryRead(data.AsSpan(at), out var type, out var seq, out _, out var size))
            {
                if (type == SpoolRecordType.Ack) ackedSeen = Math.Max(ackedSeen, seq);
                else { segment.LastSeq = seq; lastEvent = Math.Max(lastEvent, seq); }
                at += size;
            }
            if (at < data.Length)
            {
                // A torn write at the end (or damage): nothing after it can be trusted. Only the last
                // segment can have been cut by a crash; an earlier one is damaged, which is reported too.
                TornBytes += data.Length - at;
                using var f = new FileStream(segment.Path, FileMode.Open, FileAccess.Write, FileShare.Read);
                f.SetLength(at);
                f.Flush(flushToDisk: true);
            }
            segment.Length = at;
            _segments.Add(segment);
        }
        // Segments deleted earlier held only acknowledged (or dropped) events.
        var floor = _segments.Count > 0 ? _segments[0].FirstSeq - 1 : 0;
        _acked = _ackWritten = Math.Max(ackedSeen, floor);
        _nextSeq = _appendSeq = Math.Max(lastEvent, _acked) + 1;
        Recovered = Math.Max(0, lastEvent - _acked);
        if (_segments.Count > 0 && _segments[^1].Length < _segmentBytes) OpenActive(_segments[^1]);
        else StartSegment();
    }

    private void OpenActive(Segment segment)
    {
        _active = new FileStream(segment.Path, FileMode.Open, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        _active.Seek(segment.Length, SeekOrigin.Begin);
    }

    /// <summary>A new active segment starting at the next sequence, opened with an ack record so the position survives deletions.</summary>
    private void StartSegment()
    {
        _active?.Dispose();
        var segment = new Segment(Path.Combine(Folder, _nextSeq.ToString("x16", CultureInfo.InvariantCulture) + Extension), _nextSeq);
        _active = new FileStream(segment.Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        var header = new ArrayBufferWriter<byte>(SpoolRecord.HeaderSize);
        long acked;
        lock (_gate) acked = _acked;
        SpoolRecord.Write(header, SpoolRecordType.Ack, acked, default);
        _active.Write(header.WrittenSpan);
        FileSync.DataToDisk(_active);
        segment.Length = header.WrittenCount;
        lock (_gate)
        {
            _segments.Add(segment);
            _ackWritten = acked;
        }
        // The new file's name must survive a crash too.
        SyncFolder();
    }

    private void SyncFolder()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            using var dir = new FileStream(Folder, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            FileSync.DataToDisk(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: some file systems refuse to open or sync a folder.
        }
    }

    /// <summary>
    /// Writer only: true while the next commit still fits in one segment. A writer stops appending there, so
    /// that segments stay near their size and the size bound can drop the oldest without dropping a huge one.
    /// </summary>
    public bool HasRoomInCommit => _pending.WrittenCount < _segmentBytes;

    /// <summary>Writer only: adds an event to the next commit; returns its sequence.</summary>
    public long Append(SluiceEvent evt)
    {
        var seq = _appendSeq++;
        SpoolRecord.Write(_pending, SpoolRecordType.Event, seq, evt.Utf8Json.Span);
        return seq;
    }

    /// <summary>
    /// Writer only: writes what was appended since the last commit and the acknowledged position when it
    /// moved, then <c>fdatasync</c> (only when events were written: an ack alone is safe from a kill -9 in the
    /// page cache, and at worst repeats events after a power cut). Then deletes acknowledged segments and
    /// enforces the size bound. Returns the last durable sequence.
    /// </summary>
    public long Commit()
    {
        var hasEvents = _appendSeq > _nextSeq;
        long acked;
        lock (_gate) acked = _acked;
        if (acked > _ackWritten) SpoolRecord.Write(_pending, SpoolRecordType.Ack, acked, default);
        if (_pending.WrittenCount > 0)
        {
            if (hasEvents && _segments[^1].Length + _pending.WrittenCount > _segmentBytes && _segments[^1].LastSeq >= _segments[^1].FirstSeq)
            {
                FileSync.DataToDisk(_active);
                StartSegment();
            }
            try
            {
                _active.Write(_pending.WrittenSpan);
                if (hasEvents) FileSync.DataToDisk(_active);
            }
            catch
            {
                // Disk full, I/O error: cut what may have been half written; the next commit writes it all again.
                long length;
                lock (_gate) length = _segments[^1].Length;
                try { _active.SetLength(length); _active.Seek(length, SeekOrigin.Begin); } catch (IOException) { }
                throw;
            }
            lock (_gate)
            {
                var active = _segments[^1];
                active.Length += _pending.WrittenCount;
                if (hasEvents) { active.LastSeq = _appendSeq - 1; _nextSeq = _appendSeq; }
                _ackWritten = Math.Max(_ackWritten, acked);
            }
            _pending.ResetWrittenCount();
        }
        Retire();
        lock (_gate) return CommittedLastSeq;
    }

    /// <summary>Reader: every event up to <paramref name="sequence"/> reached the sink.</summary>
    public void Ack(long sequence)
    {
        lock (_gate) _acked = Math.Max(_acked, sequence);
    }

    /// <summary>True when an ack is not on disk yet (the writer should commit).</summary>
    public bool AckPending { get { lock (_gate) return _acked > _ackWritten; } }

    private void Retire()
    {
        List<string>? delete = null;
        lock (_gate)
        {
            // Acknowledged segments (never the active one).
            while (_segments.Count > 1 && _segments[0].LastSeq <= _acked)
            {
                (delete ??= []).Add(_segments[0].Path);
                _segments.RemoveAt(0);
            }
            // The size bound: the oldest go, acknowledged or not.
            var total = _segments.Sum(s => s.Length);
            while (_segments.Count > 1 && total > MaxBytes)
            {
                var oldest = _segments[0];
                var lost = oldest.LastSeq - Math.Max(_acked, oldest.FirstSeq - 1);
                if (lost > 0) Interlocked.Add(ref _dropped, lost);
                _acked = Math.Max(_acked, oldest.LastSeq);
                total -= oldest.Length;
                (delete ??= []).Add(oldest.Path);
                _segments.RemoveAt(0);
            }
        }
        foreach (var path in delete ?? [])
        {
            try { File.Delete(path); }
            catch (IOException) { /* gone already or busy: the next open counts it acknowledged by its position */ }
        }
    }

    /// <summary>
    /// Reader only: up to <paramref name="max"/> durable events from <paramref name="fromSeq"/> on (or from the
    /// first one still held, when the size bound dropped those), in order, added to <paramref name="into"/>.
    /// </summary>
    public void Read(long fromSeq, int max, List<(long Seq, SluiceEvent Event)> into)
    {
        while (into.Count < max)
        {
            Segment? segment = null;
            long committed = 0;
            lock (_gate)
            {
                fromSeq = Math.Max(fromSeq, _acked + 1);
                for (var i = _segments.Count - 1; i >= 0; i--)
                {
                    if (_segments[i].FirstSeq <= fromSeq) { segment = _segments[i]; break; }
                }
                if (segment is null || segment.LastSeq < fromSeq)
                {
                    // Nothing durable at fromSeq in this segment: look in the next one, if any.
                    var next = _segments.FirstOrDefault(s => s.FirstSeq > fromSeq - 1 && s.LastSeq >= fromSeq);
                    if (next is null) return;
                    segment = next;
                }
                committed = segment.Length;
            }
            var before = into.Count;
            if (!ReadSegment(segment.Path, committed, fromSeq, max, into)) continue; // deleted meanwhile: look again
            if (into.Count == before) return;
            fromSeq = into[^1].Seq + 1;
        }
    }

    private bool ReadSegment(string path, long committed, long fromSeq, int max, List<(long, SluiceEvent)> into)
    {
        try
        {
            if (_readingPath != path)
            {
                _reading?.Dispose();
                _reading = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                _readingPath = path;
                _hintSeq = -1;
            }
        }
        catch (FileNotFoundException)
        {
            _readingPath = null;
            return false;
        }
        var offset = _hintSeq == fromSeq ? _hintOffset : 0;
        while (into.Count < max && offset < committed)
        {
            var want = (int)Math.Min(committed - offset, _readBuffer.Length);
            var got = RandomAccess.Read(_reading!.SafeFileHandle, _readBuffer.AsSpan(0, want), offset);
            if (got <= 0) break;
            var data = _readBuffer.AsSpan(0, got);
            var at = 0;
            while (into.Count < max && SpoolRecord.TryRead(data[at..], out var type, out var seq, out var payload, out var size))
            {
                at += size;
                if (type != SpoolRecordType.Event || seq < fromSeq) continue;
                if (StoredEvent.Parse(payload) is { } evt) into.Add((seq, evt));
                _hintSeq = seq + 1;
                _hintOffset = offset + at;
            }
            if (at == 0)
            {
                if (got == _readBuffer.Length) { _readBuffer = new byte[_readBuffer.Length * 2]; continue; } // one record bigger than the buffer
                break;
            }
            offset += at;
        }
        return true;
    }

    public void Dispose()
    {
        _reading?.Dispose();
        _active?.Dispose();
        _lock.Dispose();
    }
}
