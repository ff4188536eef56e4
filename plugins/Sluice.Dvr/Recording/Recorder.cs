using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Recording;

/// <summary>
/// Records one run of a stream into its archive: a reader that never keeps the stream alive and never slows
/// it (when the disk is slow the stream drops frames for this reader, which are counted and leave a gap),
/// fragments cut at the first keyframe at least the fragment duration after their start, timed by
/// <see cref="RunClock"/>. A write error stops writing (an event and a log line), frames are still read,
/// and writing resumes at a keyframe once a retry succeeds.
/// </summary>
internal sealed class Recorder : IAsyncDisposable
{
    private readonly IMediaStream _stream;
    private readonly StreamArchive _archive;
    private readonly DvrSettings _settings;
    private readonly DvrEvents _events;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly RunClock _clock = new();
    private readonly FragmentMuxer _muxer = new();
    private readonly List<MediaFrame> _pending = [];
    private readonly Dictionary<int, (long Dts, long Interval)> _lastByTrack = [];
    private readonly HashSet<int> _seenTracks = [];
    private readonly long _targetTicks;
    private readonly long _maxTicks;
    private IStreamReader? _reader;
    private Task _loop = Task.CompletedTask;
    private FragmentFile? _current;
    private long _fragmentStartDts;
    private long _seenDropped;
    private long? _failedSinceMs;
    private long _retryAtMs;
    private string _failedPath = "";
    private int _disposed;

    public Recorder(IMediaStream stream, StreamArchive archive, DvrSettings settings, DvrEvents events, ILogger log, TimeProvider time)
    {
        _stream = stream;
        _archive = archive;
        _settings = settings;
        _events = events;
        _log = log;
        _time = time;
        var target = stream.Segments.Duration ?? settings.FragmentDuration;
        _targetTicks = (long)(target.TotalSeconds * Timestamps.ClockRate);
        _maxTicks = (long)(Math.Max(settings.MaxFragmentDuration.TotalSeconds, target.TotalSeconds * 2) * Timestamps.ClockRate);
    }

    private string Name => _archive.Name;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Ends when the stream ended (its reader completed) or the recorder was disposed.</summary>
    public Task Completion => _loop;

    public void Start()
    {
        _reader = _stream.Subscribe(new StreamReaderOptions { Capacity = _settings.ReaderCapacity, FromLastKeyframe = true, KeepsStreamAlive = false });
        _archive.BeginRecording(this);
        _loop = Task.Run(() => RunAsync(_reader, _stop.Token));
    }

    private async Task RunAsync(IStreamReader reader, CancellationToken stop)
    {
        try
        {
            await _archive.Ready.WaitAsync(stop).ConfigureAwait(false);
            var frames = reader.Frames;
            while (await frames.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                if (!_archive.IsRecorder(this)) break; // a newer recorder took the archive over
                while (frames.TryRead(out var frame))
                {
                    try { Accept(in frame, reader); }
                    finally { frame.Release(); }
                }
                Caught(reader);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Drain(reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError(e, "dvr {Stream}: the recorder failed", Name);
        }
        finally
        {
            EndRun();
            _archive.EndRecording(this);
        }
    }

    /// <summary>
    /// Stopped (the stream ended, or dvr was removed): what the stream already queued for the recorder is
    /// written before the fragment in progress is finished, bounded by the queue's capacity.
    /// </summary>
    private void Drain(IStreamReader reader)
    {
        if (!_archive.Ready.IsCompletedSuccessfully || !_archive.IsRecorder(this)) return;
        try
        {
            for (var i = 0; i < _settings.ReaderCapacity && reader.Frames.TryRead(out var frame); i++)
            {
                try { Accept(in frame, reader); }
                finally { frame.Release(); }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError(e, "dvr {Stream}: the recorder failed while finishing", Name);
        }
    }

    /// <summary>One frame, in the order the stream delivered it.</summary>
    private void Accept(in MediaFrame frame, IStreamReader reader)
    {
        if (frame.Kind == MediaKind.Unknown) return;
        var tracks = reader.Tracks;
        var startPoint = IsStartPoint(in frame, tracks);
        var dropped = reader.Dropped;
        if (dropped > _seenDropped)
        {
            OnDropped(dropped);
            // The stream resumes this reader at a keyframe: the frames in between are a gap of this fragment's run.
            if (_current is not null) CloseFragment(EstimatedEnd());
        }
        var active = _clock.Anchored || _pending.Count > 0;
        if (active && BreaksTimeline(in frame))
        {
            EndRun();
            active = false;
        }
        if (!active)
        {
            if (!startPoint) return;
            _pending.Add(frame.Retain());
            Track(in frame);
            return;
        }
        Track(in frame);
        if (!_clock.Anchored)
        {
            _pending.Add(frame.Retain());
            return;
        }
        Write(in frame, startPoint, tracks);
    }

    /// <summary>The queue ran empty: the newest frame read is live, so a run waiting for its anchor gets it now.</summary>
    private void Caught(IStreamReader reader)
    {
        if (_clock.Anchored || _pending.Count == 0) return;
        var span = _pending[^1].Dts - _pending[0].Dts;
        if (!FragmentMuxer.Complete(reader.Tracks) && span < _settings.TrackWait.TotalSeconds * Timestamps.ClockRate) return;
        FlushPending(reader.Tracks);
    }

    private void FlushPending(IReadOnlyList<TrackInfo> tracks)
    {
        if (_pending.Count == 0) return;
        var newest = long.MinValue;
        foreach (var p in _pending) newest = Math.Max(newest, p.Dts);
        var notBefore = _archive.Index.Last is { } last ? last.EndMs + 1 : long.MinValue;
        _clock.Anchor(NowMs, newest, _pending[0].Dts, notBefore);
        var held = _pending.ToArray();
        _pending.Clear();
        foreach (var frame in held)
        {
            try { Write(in frame, IsStartPoint(in frame, tracks), tracks); }
            finally { frame.Release(); }
        }
    }

    private void Write(in MediaFrame frame, bool startPoint, IReadOnlyList<TrackInfo> tracks)
    {
        if (_current is not null)
        {
            var length = frame.Dts - _fragmentStartDts;
            var cut = (startPoint && (length >= _targetTicks || _muxer.Stale)) || length >= _maxTicks;
            if (!cut)
            {
                Mux(in frame, tracks);
                return;
            }
            CloseFragment(frame.Dts);
            if (OffClock(frame.Dts))
            {
                // The source's timestamps left real time: a new timeline, anchored again when caught up.
                ResetRun();
                _pending.Add(frame.Retain());
                Track(in frame);
                return;
            }
        }
        if (!startPoint && _current is null) return; // after a drop or a write error: wait for a keyframe
        if (_failedSinceMs is not null && NowMs < _retryAtMs) return;
        if (!OpenFragment(in frame, tracks)) return;
        Mux(in frame, tracks);
    }

    private void Mux(in MediaFrame frame, IReadOnlyList<TrackInfo> tracks)
    {
        var file = _current!;
        try
        {
            _muxer.Write(in frame, tracks, file.Output);
            file.Pump();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailed(file.PartPath, e);
        }
    }

    private bool OpenFragment(in MediaFrame frame, IReadOnlyList<TrackInfo> tracks)
    {
        var startMs = _clock.ToMs(frame.Dts);
        var path = Path.Combine(_archive.Folder, FragmentNames.BlobOf(startMs));
        try
        {
            var file = FragmentFile.Create(_archive.Folder, startMs, _settings.WriteChunk, out var newBlob);
            if (newBlob) _events.NewBlob(Name, FragmentNames.BlobOf(startMs), file.Folder);
            if (!_muxer.StartFragment(tracks, file.Output, frame.Kind == MediaKind.Video && frame.IsKeyframe))
            {
                file.Abandon();
                return false;
            }
            _current = file;
            _fragmentStartDts = frame.Dts;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailed(path, e);
            return false;
        }
        if (_failedSinceMs is { } since)
        {
            var failed = NowMs - since;
            _failedSinceMs = null;
            _archive.WriteError = null;
            _log.LogInformation("dvr {Stream}: writing to {Folder} again after {Ms} ms", Name, _archive.Folder, failed);
            _events.WriteResumed(Name, _current.PartPath, failed);
        }
        return true;
    }

    private void CloseFragment(long endDts)
    {
        var file = _current;
        if (file is null) return;
        _current = null;
        var duration = (int)Math.Clamp(_clock.ToMs(endDts) - file.StartMs, 1, int.MaxValue);
        try
        {
            var fragment = file.Finish(duration);
            _archive.Index.Append(fragment);
            _events.NewFragment(Name, fragment.StartMs, fragment.DurationMs, fragment.Bytes, _archive.PathOf(fragment));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteFailed(file.PartPath, e);
        }
    }

    private void WriteFailed(string path, Exception e)
    {
        _current?.Abandon();
        _current = null;
        var now = NowMs;
        _retryAtMs = now + (long)_settings.RetryInterval.TotalMilliseconds;
        if (_failedSinceMs is not null && _failedPath == path) return;
        if (_failedSinceMs is null)
        {
            _failedSinceMs = now;
            _log.LogError("dvr {Stream}: cannot write {Path}: {Error}; recording stops and is retried every {Retry}", Name, path, e.Message, _settings.RetryInterval);
            _events.WriteFailed(Name, path, e.Message);
        }
        _failedPath = path;
        _archive.WriteError = e.Message;
    }

    private void OnDropped(long total)
    {
        var now = total - _seenDropped;
        _seenDropped = total;
        _archive.CountDropped(now);
        _log.LogWarning("dvr {Stream}: {Dropped} frames dropped for the recorder (the disk is slower than the stream); {Total} in this run", Name, now, total);
        _events.FramesDropped(Name, now, total);
    }

    /// <summary>Ends the run: what waits for its anchor is written now, the fragment in progress is finished.</summary>
    private void EndRun()
    {
        if (!_clock.Anchored && _pending.Count > 0 && _reader is { } reader) FlushPending(reader.Tracks);
        if (_current is not null) CloseFragment(EstimatedEnd());
        ResetRun();
    }

    private void ResetRun()
    {
        foreach (var p in _pending) p.Release();
        _pending.Clear();
        _clock.Reset();
        _lastByTrack.Clear();
        _seenTracks.Clear();
    }

    private static bool IsStartPoint(in MediaFrame frame, IReadOnlyList<TrackInfo> tracks) =>
        frame.IsKeyframe && (frame.Kind == MediaKind.Video || !tracks.Any(t => t.Kind == MediaKind.Video));

    /// <summary>A new source (a discontinuity on a track this run has seen) or a timestamp jump ends the run.</summary>
    private bool BreaksTimeline(in MediaFrame frame)
    {
        if ((frame.Flags & FrameFlags.Discontinuity) != 0 && _seenTracks.Contains(frame.TrackId)) return true;
        if (!_lastByTrack.TryGetValue(frame.TrackId, out var last)) return false;
        var jump = (long)(_settings.MaxTimestampJump.TotalSeconds * Timestamps.ClockRate);
        return frame.Dts < last.Dts - 90 || frame.Dts > last.Dts + jump;
    }

    private void Track(in MediaFrame frame)
    {
        _seenTracks.Add(frame.TrackId);
        var interval = 0L;
        if (_lastByTrack.TryGetValue(frame.TrackId, out var last)) interval = frame.Dts > last.Dts ? frame.Dts - last.Dts : last.Interval;
        _lastByTrack[frame.TrackId] = (frame.Dts, interval);
    }

    /// <summary>Where the frames written so far end: the latest frame of any track plus its frame interval.</summary>
    private long EstimatedEnd()
    {
        var end = _fragmentStartDts;
        foreach (var (dts, interval) in _lastByTrack.Values) end = Math.Max(end, dts + (interval > 0 ? interval : 3600));
        return end;
    }

    private bool OffClock(long dts)
    {
        var utc = _clock.ToMs(dts);
        var now = NowMs;
        return utc > now + (long)_settings.FutureTolerance.TotalMilliseconds || now - utc > (long)_settings.LagTolerance.TotalMilliseconds;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_reader is not null) await _reader.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
