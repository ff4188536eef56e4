using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// One stream, as readers, protocols and the registry see it. Behind it, each piece has one owner:
/// <see cref="SourceSupervisor"/> runs a configured stream's inputs (failover, backoff, probing the primary,
/// the <c>backup</c> file), <see cref="PublisherSlot"/> holds a published stream's publisher, <see cref="ReaderFanOut"/>
/// hands frames to readers with the GOP cache, <see cref="MediaInfoTracker"/> follows the tracks. The stream itself
/// owns the writer side: which inlet may write now (one at a time, under the writer lock), when it last delivered,
/// the state, and who watches.
/// </summary>
internal sealed class MediaStream : IMediaStream
{
    private readonly TimeProvider _time;
    private readonly object _writer = new();      // the active inlet and what it delivered: one writer at a time
    private readonly ReaderFanOut _readers;
    private readonly MediaInfoTracker _info;
    private readonly SourceSupervisor _supervisor;
    private readonly PublisherSlot _publisher;
    private volatile StreamOptions _options;
    private volatile StreamInlet? _active;
    private volatile StreamState _state = StreamState.Starting;
    private long _lastFrame;      // timestamps of _time
    private bool _timedOut;
    private int _stopped;
    private int _viewers;
    private long _framesIn, _bytesIn; // this run's input, for metrics (written under the writer lock)
    private long _lastUsed;
    private long _started;

    public MediaStream(StreamOptions options, IReadOnlyList<IMediaSourceFactory> factories, IEventEmitter events,
        StreamRegistrySettings settings, ILogger log)
    {
        _options = options;
        _time = settings.Time;
        Settings = settings;
        Log = log;
        Events = new StreamEvents(events, options.Name);
        States = new SourceStateLog(options.Name, log, _time);
        _readers = new ReaderFanOut(settings.GopMaxFrames, settings.GopMaxBytes);
        _info = new MediaInfoTracker(_time);
        _supervisor = new SourceSupervisor(this, factories);
        _publisher = new PublisherSlot(this);
        _lastUsed = _time.GetTimestamp();
    }

    public string Name => _options.Name;

    public StreamKind Kind => _options.Kind;

    public StreamOptions Options => _options;

    internal StreamRegistrySettings Settings { get; }

    internal TimeProvider Time => _time;

    internal ILogger Log { get; }

    internal StreamEvents Events { get; }

    internal SourceStateLog States { get; }

    public bool IsProducing { get; private set; }

    public IReadOnlyList<TrackInfo> Tracks => _info.Tracks;

    public SegmentSettings Segments =>
        _options is { SegmentDuration: null, SegmentCount: null } ? SegmentSettings.Default : new(_options.SegmentDuration, _options.SegmentCount);

    /// <summary>The input being read now (URL as written), or null.</summary>
    public string? CurrentInput => _active?.Url;

    public StreamState State
    {
        get => _state;
        internal set => _state = value;
    }

    public bool IsStopped => Volatile.Read(ref _stopped) != 0;

    public bool HasPublisher => _publisher.Attached;

    public int Viewers => Volatile.Read(ref _viewers);

    public TimeSpan Uptime => _started == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_started);

    public StreamSnapshot Snapshot() =>
        new(Name, _options.Title, Kind, State, CurrentInput, _info.Current, _readers.BitsPerSecond(NowMs()), Viewers,
            _readers.Count, Uptime, _readers.Dropped, _info.Tracks) { FramesIn = Volatile.Read(ref _framesIn), BytesIn = Volatile.Read(ref _bytesIn) };

    /// <summary>Starts the stream (a configured one's inputs; a published one waits) and emits <c>stream_started</c>.</summary>
    public void Start()
    {
        _started = _time.GetTimestamp();
        Events.Started();
        if (_options.IsPublished || _options.Kind == StreamKind.Published)
        {
            State = StreamState.Waiting;
            return;
        }
        _supervisor.Start();
    }

    /// <summary>New options for the same name: the current attempt ends and the inputs go on with them; readers stay.</summary>
    public void Reconfigure(StreamOptions options, IReadOnlyList<IMediaSourceFactory> factories)
    {
        _options = options;
        _supervisor.Reconfigure(factories);
        Events.Reconfigured();
    }

    /// <summary>The loaded plugins changed: when the source type in use is gone, the attempt restarts with the new one.</summary>
    public void UpdateFactories(IReadOnlyList<IMediaSourceFactory> factories) => _supervisor.UpdateFactories(factories);

    public IStreamReader Subscribe(StreamReaderOptions? options = null)
    {
        options ??= new StreamReaderOptions();
        var reader = new StreamReader(this, options.Capacity, waitForKeyframe: !options.FromLastKeyframe, options.KeepsStreamAlive);
        _readers.Add(reader, options.FromLastKeyframe);
        return reader;
    }

    internal void Remove(StreamReader reader)
    {
        _readers.Remove(reader);
        Volatile.Write(ref _lastUsed, _time.GetTimestamp());
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
            Volatile.Write(ref stream._lastUsed, stream._time.GetTimestamp());
            Interlocked.Decrement(ref stream._viewers);
        }
    }

    /// <summary>True when nobody watched or read the stream for <paramref name="timeout"/>.</summary>
    public bool IdleFor(TimeSpan timeout) =>
        Viewers == 0 && !_readers.KeepsStreamAlive && _time.GetElapsedTime(Volatile.Read(ref _lastUsed)) >= timeout;

    /// <summary>Attaches a publisher; null when the stream is stopped or already has one.</summary>
    public IStreamPublisher? AttachPublisher(PublisherInfo publisher) => _publisher.Attach(publisher);

    /// <summary>Emits <c>frames_timed_out</c> when the publisher sent nothing for <c>source_timeout</c> (it stays attached).</summary>
    public void CheckPublisherSilence() => _publisher.CheckSilence();

    /// <summary>True when the publisher left at least <paramref name="linger"/> ago and none came back.</summary>
    public bool UnpublishedFor(TimeSpan linger) => _publisher.UnpublishedFor(linger);

    // ---- the writer side: one inlet at a time (an attempt of the supervisor, or the publisher) ----

    internal bool IsActive(StreamInlet inlet) => ReferenceEquals(_active, inlet);

    /// <summary>Makes <paramref name="inlet"/> the only accepted writer; the previous source's frames and tracks are forgotten.</summary>
    internal void Activate(StreamInlet? inlet)
    {
        lock (_writer)
        {
            _active = inlet;
            _info.Reset();
            _readers.ClearCache();
            _timedOut = false;
            IsProducing = false;
        }
    }

    internal void InletConnected(StreamInlet inlet)
    {
        if (!IsActive(inlet) || inlet.IsBackup) return;
        Events.SourceConnected(inlet.Url, inlet.Origin);
    }

    internal void InletStarted(StreamInlet inlet)
    {
        MediaInfo? report;
        lock (_writer)
        {
            _lastFrame = _time.GetTimestamp();
            report = _info.OnStarted();
        }
        State = inlet.IsBackup ? StreamState.Backup : StreamState.Running;
        if (report is { } m) Events.MediaInfo(m);
        if (inlet.IsBackup)
        {
            States.Backup(inlet.Url);
            Events.Backup(inlet.Url);
            return;
        }
        if (inlet.Input >= 0) States.Delivering(inlet.Url, inlet.Input, _options.Inputs.Count);
        Events.SourceStarted(inlet.Url, inlet.Origin);
    }

    internal void InletTrack(StreamInlet inlet, TrackInfo track)
    {
        MediaInfo? changed;
        lock (_writer)
        {
            if (!ReferenceEquals(_active, inlet)) return;
            changed = _info.OnTrack(track, inlet.Started);
        }
        if (changed is { } m) Events.MediaInfo(m);
    }

    internal void Deliver(StreamInlet inlet, in MediaFrame frame)
    {
        bool restored;
        MediaInfo? info;
        lock (_writer)
        {
            if (!ReferenceEquals(_active, inlet)) return;
            info = _info.OnFrame();
            _lastFrame = _time.GetTimestamp();
            restored = _timedOut;
            _timedOut = false;
            IsProducing = true;
            Volatile.Write(ref _framesIn, _framesIn + 1);
            Volatile.Write(ref _bytesIn, _bytesIn + frame.Payload.Length);
            var resetPoint = frame.IsKeyframe && (frame.Kind == MediaKind.Video || !_info.HasVideo);
            _readers.Offer(frame, resetPoint, NowMs());
        }
        if (info is { } m) Events.MediaInfo(m);
        if (restored)
        {
            State = inlet.IsBackup ? StreamState.Backup : StreamState.Running;
            if (inlet.Input >= 0) States.Restored(inlet.Url);
            Events.FramesRestored(inlet.Url);
        }
    }

    /// <summary>How long the current source has been silent.</summary>
    internal TimeSpan Silence()
    {
        lock (_writer) return _time.GetElapsedTime(_lastFrame);
    }

    /// <summary>Marks frames as timed out; false when already so.</summary>
    internal bool MarkTimedOut()
    {
        lock (_writer)
        {
            if (_timedOut) return false;
            _timedOut = true;
            IsProducing = false;
        }
        State = StreamState.TimedOut;
        return true;
    }

    /// <summary>Milliseconds on the stream's clock (the bitrate meter's buckets).</summary>
    private long NowMs() => (long)(_time.GetTimestamp() * 1000.0 / _time.TimestampFrequency);

    /// <summary>Stops the inputs (or the publisher), completes every reader and emits <c>stream_stopped</c>.</summary>
    public async Task StopAsync(string reason)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await _supervisor.StopAsync();
        await _publisher.DetachAsync("stopped");
        lock (_writer)
        {
            _active = null;
            IsProducing = false;
        }
        _readers.Complete();
        State = StreamState.Stopped;
        Events.Stopped(reason);
    }
}

/// <summary>What the API shows of a stream.</summary>
internal sealed record StreamSnapshot(string Name, string? Title, StreamKind Kind, StreamState State, string? Input, MediaInfo MediaInfo,
    long BitsPerSecond, int Viewers, int Readers, TimeSpan Uptime, long Dropped, IReadOnlyList<TrackInfo> Tracks)
{
    /// <summary>Frames and payload bytes taken from the sources during this run of the stream.</summary>
    public long FramesIn { get; init; }

    public long BytesIn { get; init; }
}
