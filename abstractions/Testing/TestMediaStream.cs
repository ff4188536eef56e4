using System.Threading.Channels;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Testing;

/// <summary>
/// An <see cref="IMediaStream"/> that behaves for its readers as the host's does: frames written to it
/// (<see cref="IFrameSink"/>) fan out to each reader's bounded queue (a full one drops to the next keyframe
/// and counts), a new reader starts with the frames since the last keyframe, <see cref="End"/> completes
/// every reader. For testing stream features (a recorder) and protocols without the host.
/// </summary>
public sealed class TestMediaStream(string name) : IMediaStream, IFrameSink
{
    private readonly Lock _gate = new();
    private readonly List<Reader> _readers = [];
    private readonly List<MediaFrame> _sinceKeyframe = [];
    private TrackInfo[] _tracks = [];
    private int _viewers;
    private bool _ended;

    public string Name { get; } = name;

    public bool IsProducing { get; private set; }

    public IReadOnlyList<TrackInfo> Tracks => Volatile.Read(ref _tracks);

    public SegmentSettings Segments { get; set; } = SegmentSettings.Default;

    public int Viewers => Volatile.Read(ref _viewers);

    /// <summary>Readers subscribed now, and how many of them keep the stream alive.</summary>
    public (int Readers, int KeepingAlive) ReaderCount
    {
        get { lock (_gate) return (_readers.Count, _readers.Count(r => r.KeepsAlive)); }
    }

    public void OnTrack(TrackInfo track)
    {
        lock (_gate)
        {
            Volatile.Write(ref _tracks, _tracks.Where(t => t.TrackId != track.TrackId).Append(track).OrderBy(t => t.TrackId).ToArray());
        }
    }

    public void OnFrame(in MediaFrame frame)
    {
        lock (_gate)
        {
            if (_ended) return;
            IsProducing = true;
            var hasVideo = _tracks.Any(t => t.Kind == MediaKind.Video);
            var startsGop = frame.IsKeyframe && (frame.Kind == MediaKind.Video || !hasVideo);
            if (startsGop)
            {
                foreach (var kept in _sinceKeyframe) kept.Release();
                _sinceKeyframe.Clear();
            }
            if (startsGop || _sinceKeyframe.Count > 0) _sinceKeyframe.Add(frame.Retain());
            foreach (var reader in _readers) reader.Offer(in frame, startsGop);
        }
    }

    public IStreamReader Subscribe(StreamReaderOptions? options = null)
    {
        options ??= new StreamReaderOptions();
        lock (_gate)
        {
            var reader = new Reader(this, options.Capacity, options.KeepsStreamAlive);
            if (_ended)
            {
                reader.Complete();
                return reader;
            }
            if (options.FromLastKeyframe)
            {
                for (var i = 0; i < _sinceKeyframe.Count; i++) reader.Offer(_sinceKeyframe[i], i == 0);
            }
            _readers.Add(reader);
            return reader;
        }
    }

    public IDisposable AddViewer()
    {
        Interlocked.Increment(ref _viewers);
        return new Leave(this);
    }

    /// <summary>The stream stops: every reader gets what is queued, then completion.</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            IsProducing = false;
            foreach (var reader in _readers) reader.Complete();
            foreach (var kept in _sinceKeyframe) kept.Release();
            _sinceKeyframe.Clear();
        }
    }

    private sealed class Leave(TestMediaStream stream) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref stream._viewers);
        }
    }

    private sealed class Reader(TestMediaStream stream, int capacity, bool keepsAlive) : IStreamReader
    {
        private readonly Channel<MediaFrame> _channel = Channel.CreateBounded<MediaFrame>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the stream never waits
        });
        private bool _skipping;
        private long _dropped;
        private int _disposed;

        public bool KeepsAlive { get; } = keepsAlive;

        public ChannelReader<MediaFrame> Frames => _channel.Reader;

        public IReadOnlyList<TrackInfo> Tracks => stream.Tracks;

        public long Dropped => Interlocked.Read(ref _dropped);

        /// <summary>Under the stream's lock.</summary>
        public void Offer(in MediaFrame frame, bool resetPoint)
        {
            if (_skipping && !resetPoint)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            _skipping = false;
            if (_channel.Writer.TryWrite(frame.Retain())) return;
            frame.Release();
            Interlocked.Increment(ref _dropped);
            _skipping = true;
        }

        public void Complete() => _channel.Writer.TryComplete();

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
            lock (stream._gate) stream._readers.Remove(this);
            _channel.Writer.TryComplete();
            while (_channel.Reader.TryRead(out var frame)) frame.Release();
            return ValueTask.CompletedTask;
        }
    }
}
