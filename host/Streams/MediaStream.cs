using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// One stream: the loop that owns its source (<see cref="MediaStream"/>.Loop), the GOP cache and the
/// fan-out to readers. Frames arrive on the source's thread and are offered to every reader's own
/// bounded queue under one short lock; nothing here ever waits for a reader.
/// </summary>
internal sealed partial class MediaStream : IMediaStream
{
    private readonly IEventEmitter _events;
    private readonly StreamRegistrySettings _settings;
    private readonly ILogger _log;
    private readonly SourceStateLog _states;
    private readonly object _gate = new();
    private readonly List<StreamReader> _readers = [];
    private readonly GopCache _gop;
    private readonly BitrateMeter _bitrate = new();
    private readonly Dictionary<int, TrackInfo> _attemptTracks = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile TrackInfo[] _tracks = [];
    private volatile StreamInlet? _active;
    private MediaInfo _mediaInfo;
    private MediaInfo _reportedInfo;
    private bool _infoPending;
    private long _infoPendingSinceMs;
    private bool _hasVideo;
    private bool _stopped;
    private long _lastFrameMs;
    private bool _timedOut;
    private int _viewers;
    private long _lastUsedMs;
    private long _departedDropped;
    private long _startedMs;
    private long _framesIn, _bytesIn; // this run's input, for metrics
    private Task _loop = Task.CompletedTask;

    public MediaStream(StreamOptions options, IReadOnlyList<IMediaSourceFactory> factories, IEventEmitter events,
        StreamRegistrySettings settings, ILogger log)
    {
        _options = options;
        _factories = factories;
        _events = events;
        _settings = settings;
        _log = log;
        _states = new SourceStateLog(options.Name, log, TimeProvider.System);
        _gop = new GopCache(settings.GopMaxFrames, settings.GopMaxBytes);
        _lastUsedMs = Environment.TickCount64;
    }

    public string Name => _options.Name;

    public StreamKind Kind => _options.Kind;

    public StreamOptions Options => _options;

    public bool IsProducing { get; private set; }

    public IReadOnlyList<TrackInfo> Tracks => _tracks;

    public SegmentSettings Segments =>
        _options is { SegmentDuration: null, SegmentCount: null } ? SegmentSettings.Default : new(_options.SegmentDuration, _options.SegmentCount);

    /// <summary>The input being read now (URL as written), or null.</summary>
    public string? CurrentInput => _active?.Url;

    /// <summary>"starting", "running", "timed_out", "waiting" (for a publisher or a retry), "failed" or "stopped".</summary>
    public string State { get; private set; } = "starting";

    public int Viewers => Volatile.Read(ref _viewers);

    public TimeSpan Uptime => _startedMs == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Environment.TickCount64 - _startedMs);

    public StreamSnapshot Snapshot()
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            return new StreamSnapshot(Name, _options.Title, Kind, State, CurrentInput, _mediaInfo, _bitrate.BitsPerSecond(now), Viewers,
                _readers.Count, Uptime, _departedDropped + _readers.Sum(r => r.Dropped), _tracks) { FramesIn = _framesIn, BytesIn = _bytesIn };
        }
    }

    public IStreamReader Subscribe(StreamReaderOptions? options = null)
    {
        options ??= new StreamReaderOptions();
        var reader = new StreamReader(this, options.Capacity, waitForKeyframe: !options.FromLastKeyframe, options.KeepsStreamAlive);
        lock (_gate)
        {
            if (_stopped)
            {
                reader.Complete();
                return reader;
            }
            if (options.FromLastKeyframe)
            {
                var frames = _gop.Frames;
                for (var i = 0; i < frames.Count; i++) reader.Offer(frames[i], i == 0);
            }
            _readers.Add(reader);
        }
        return reader;
    }

    internal void Remove(StreamReader reader)
    {
        lock (_gate)
        {
            if (_readers.Remove(reader)) _departedDropped += reader.Dropped;
            Volatile.Write(ref _lastUsedMs, Environment.TickCount64);
        }
    }

    public IDisposable AddViewer()
    {
        Interlocked.Increment(ref _viewers);
        return new Viewer(this);
    }

    private sealed class Viewer(MediaStream stream) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) != 0) return;
            Volatile.Write(ref stream._lastUsedMs, Environment.TickCount64);
            Interlocked.Decrement(ref stream._viewers);
        }
    }

    /// <summary>True when nobody watched or read the stream for <paramref name="timeout"/>.</summary>
    public bool IdleFor(TimeSpan timeout)
    {
        if (Viewers > 0) return false;
        lock (_gate) if (_readers.Exists(r => r.KeepsStreamAlive)) return false;
        return Environment.TickCount64 - Volatile.Read(ref _lastUsedMs) >= (long)timeout.TotalMilliseconds;
    }

    internal bool IsActive(StreamInlet inlet) => ReferenceEquals(_active, inlet);

    /// <summary>Makes <paramref name="inlet"/> the only accepted writer; the previous source's frames and tracks are forgotten.</summary>
    private void Activate(StreamInlet? inlet)
    {
        lock (_gate)
        {
            _active = inlet;
            _attemptTracks.Clear();
            _infoPending = false;
            _gop.Clear();
            _timedOut = false;
            IsProducing = false;
        }
    }

    internal void InletConnected(StreamInlet inlet)
    {
        if (!IsActive(inlet) || inlet.IsBackup) return;
        Emit("source_connected", new EventField("url", inlet.Url));
    }

    internal void InletStarted(StreamInlet inlet)
    {
        MediaInfo? report;
        lock (_gate)
        {
            _lastFrameMs = Environment.TickCount64;
            MarkInfoPendingLocked();
            report = ReportInfoLocked(force: false);
        }
        State = inlet.IsBackup ? "backup" : "running";
        if (report is { } m) Emit("stream_media_info", m.ToFields());
        if (inlet.IsBackup)
        {
            BackupStarted(inlet);
            return;
        }
        if (inlet.Input >= 0) _states.Delivering(inlet.Url, inlet.Input, _options.Inputs.Count);
        Emit("source_started", new EventField("url", inlet.Url));
    }

    private void MarkInfoPendingLocked()
    {
        if (_infoPending) return;
        _infoPending = true;
        _infoPendingSinceMs = Environment.TickCount64;
    }

    /// <summary>
    /// The media info to report, if it changed since the last report. Sources announce tracks one by one
    /// (a demuxer knows an AAC track's rate only at its first frame), so the report waits for the first
    /// frame and for every track's configuration, or at most <see cref="InfoSettleMs"/> (force).
    /// </summary>
    private MediaInfo? ReportInfoLocked(bool force)
    {
        if (!_infoPending) return null;
        if (!force && !Configured(_tracks)) return null;
        _infoPending = false;
        if (_mediaInfo == _reportedInfo) return null;
        _reportedInfo = _mediaInfo;
        return _mediaInfo;
    }

    private const long InfoSettleMs = 1000;

    private static bool Configured(TrackInfo[] tracks)
    {
        foreach (var t in tracks)
        {
            if (t.Kind == MediaKind.Video && t.Video is null) return false;
            if (t.Kind == MediaKind.Audio && t.Audio is null) return false;
        }
        return true;
    }

    internal void InletTrack(StreamInlet inlet, TrackInfo track)
    {
        MediaInfo? changed = null;
        lock (_gate)
        {
            if (!ReferenceEquals(_active, inlet)) return;
            _attemptTracks[track.TrackId] = track;
            var list = _attemptTracks.Values.OrderBy(t => t.TrackId).ToArray();
            _tracks = list;
            _hasVideo = list.Any(t => t.Kind == MediaKind.Video);
            _mediaInfo = MediaInfo.Of(list);
            if (inlet.Started)
            {
                MarkInfoPendingLocked();
                changed = ReportInfoLocked(force: false);
            }
        }
        if (changed is { } m) Emit("stream_media_info", m.ToFields());
    }

    internal void Deliver(StreamInlet inlet, in MediaFrame frame)
    {
        bool restored;
        MediaInfo? info = null;
        lock (_gate)
        {
            if (!ReferenceEquals(_active, inlet)) return;
            var now = Environment.TickCount64;
            if (_infoPending) info = ReportInfoLocked(force: now - _infoPendingSinceMs >= InfoSettleMs);
            _lastFrameMs = now;
            restored = _timedOut;
            _timedOut = false;
            IsProducing = true;
            _bitrate.Add(frame.Payload.Length, now);
            _framesIn++;
            _bytesIn += frame.Payload.Length;
            var resetPoint = frame.IsKeyframe && (frame.Kind == MediaKind.Video || !_hasVideo);
            _gop.Add(frame, resetPoint);
            foreach (var r in _readers) r.Offer(frame, resetPoint);
        }
        if (info is { } m) Emit("stream_media_info", m.ToFields());
        if (restored)
        {
            State = inlet.IsBackup ? "backup" : "running";
            if (inlet.Input >= 0) _states.Restored(inlet.Url);
            Emit("frames_restored", new EventField("url", inlet.Url));
        }
    }

    /// <summary>Milliseconds since the last frame of the current source.</summary>
    private long SilenceMs()
    {
        lock (_gate) return Environment.TickCount64 - _lastFrameMs;
    }

    /// <summary>Marks frames as timed out; false when already so.</summary>
    private bool MarkTimedOut()
    {
        lock (_gate)
        {
            if (_timedOut) return false;
            _timedOut = true;
            IsProducing = false;
        }
        State = "timed_out";
        return true;
    }

    private void Emit(string name, params EventField[] fields) =>
        _events.Emit(new EventDraft(name) { Media = Name, Fields = fields });

    /// <summary>Stops the loop (or the publisher), completes every reader and emits <c>stream_stopped</c>.</summary>
    public async Task StopAsync(string reason)
    {
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
        }
        _stop.Cancel();
        try
        {
            await _loop.WaitAsync(_settings.SourceStopTimeout + TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            _log.LogWarning("stream {Stream}: the source loop did not stop in time; abandoned", Name);
        }
        catch (OperationCanceledException) { }
        await DetachPublisherAsync("stopped");
        lock (_gate)
        {
            _active = null;
            _gop.Clear();
            foreach (var r in _readers)
            {
                _departedDropped += r.Dropped;
                r.Complete();
            }
            _readers.Clear();
            IsProducing = false;
        }
        State = "stopped";
        Emit("stream_stopped", new EventField("reason", reason));
    }
}

/// <summary>What the API shows of a stream.</summary>
internal sealed record StreamSnapshot(string Name, string? Title, StreamKind Kind, string State, string? Input, MediaInfo MediaInfo,
    long BitsPerSecond, int Viewers, int Readers, TimeSpan Uptime, long Dropped, IReadOnlyList<TrackInfo> Tracks)
{
    /// <summary>Frames and payload bytes taken from the sources during this run of the stream.</summary>
    public long FramesIn { get; init; }

    public long BytesIn { get; init; }
}
