using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Live;

/// <summary>
/// The one HLS segmenter of a stream, shared by all its viewers: reads the stream through its own
/// reader, cuts segments (<see cref="SegmentCutter"/>), keeps a sliding window of
/// <see cref="HlsOptions.PlaylistSegments"/> listed plus <see cref="HlsOptions.ExtraSegments"/> older ones, and
/// holds the current playlist. Segments live in pooled buffers returned when evicted or on dispose.
/// </summary>
internal sealed class LiveSegmenter : IAsyncDisposable
{
    private readonly IStreamReader _reader;
    private readonly HlsOptions _options;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly List<LiveSegment> _window = [];
    private readonly TaskCompletionSource<bool> _firstSegment = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private byte[] _playlist = [];
    private long _nextSequence;
    private bool _restarted;
    private long _discontinuities;
    private int _targetDuration;
    private long _lastAccess = Environment.TickCount64;
    private int _disposed;

    public LiveSegmenter(string name, IMediaStream stream, HlsOptions options, ILogger log, long firstSequence = 0)
    {
        Stream = stream;
        Name = name;
        _options = options;
        _log = log;
        _targetDuration = (int)Math.Ceiling(options.TargetDuration.TotalSeconds);
        // A segmenter that follows an earlier one of the same stream continues its numbering, after a discontinuity.
        _nextSequence = firstSequence;
        _restarted = firstSequence > 0;
        _reader = stream.Subscribe(new StreamReaderOptions { Capacity = options.ReaderCapacity, FromLastKeyframe = true });
        _loop = Task.Run(RunAsync);
    }

    public string Name { get; }

    public IMediaStream Stream { get; }

    /// <summary>The delivery options with the stream's segment settings applied.</summary>
    public HlsOptions Options => _options;

    /// <summary>The stream ended (its reader completed) or the segmenter failed.</summary>
    public bool Ended => Volatile.Read(ref _ended);

    private bool _ended;

    /// <summary>Milliseconds (Environment.TickCount64) of the last playlist or segment request.</summary>
    public long LastAccess => Interlocked.Read(ref _lastAccess);

    public void Touch() => Interlocked.Exchange(ref _lastAccess, Environment.TickCount64);

    /// <summary>Completes with true once the first segment exists, false when the stream ended before.</summary>
    public Task<bool> FirstSegment => _firstSegment.Task;

    /// <summary>The sequence number the next segment gets.</summary>
    public long NextSequence
    {
        get { lock (_gate) return _nextSequence; }
    }

    /// <summary>The current playlist (empty before the first segment).</summary>
    public byte[] Playlist
    {
        get { lock (_gate) return _playlist; }
    }

    /// <summary>A segment of the window, retained for the caller (release it after writing), or null when evicted or not made yet.</summary>
    public RentedBuffer? RetainSegment(long sequence)
    {
        lock (_gate)
        {
            foreach (var segment in _window)
            {
                if (segment.Sequence == sequence) return segment.Data.Retain();
            }
        }
        return null;
    }

    private async Task RunAsync()
    {
        using var cutter = new SegmentCutter(_options, OnSegment);
        try
        {
            var frames = _reader.Frames;
            while (await frames.WaitToReadAsync(_stop.Token))
            {
                while (frames.TryRead(out var frame))
                {
                    try
                    {
                        cutter.Add(in frame, _reader.Tracks);
                    }
                    finally
                    {
                        frame.Release();
                    }
                }
            }
            cutter.Finish();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.LogError(e, "HLS segmenter of {Stream} failed", Name);
        }
        finally
        {
            Volatile.Write(ref _ended, true);
            _firstSegment.TrySetResult(false);
        }
    }

    private void OnSegment(CompletedSegment completed)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            completed.Data.Release();
            return;
        }
        lock (_gate)
        {
            var discontinuity = completed.Discontinuity || _restarted;
            _restarted = false;
            if (discontinuity) _discontinuities++;
            var segment = new LiveSegment(_nextSequence++, completed.Data, completed.DurationSeconds, completed.ProgramDateTime, discontinuity);
            _window.Add(segment);
            var keep = _options.PlaylistSegments + _options.ExtraSegments;
            while (_window.Count > keep)
            {
                _window[0].Data.Release();
                _window.RemoveAt(0);
            }
            // EXT-X-TARGETDURATION must not change, so it only grows (a segment longer than the target: sparse keyframes).
            _targetDuration = Math.Max(_targetDuration, (int)Math.Ceiling(segment.DurationSeconds - 0.0005));
            var listed = _window.GetRange(Math.Max(0, _window.Count - _options.PlaylistSegments), Math.Min(_window.Count, _options.PlaylistSegments));
            var listedDiscontinuities = listed.Count(l => l.Discontinuity);
            _playlist = LivePlaylist.Build(listed, _targetDuration, _discontinuities - listedDiscontinuities);
        }
        _firstSegment.TrySetResult(true);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        await _reader.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var segment in _window) segment.Data.Release();
            _window.Clear();
            _playlist = [];
        }
        _stop.Dispose();
    }
}
