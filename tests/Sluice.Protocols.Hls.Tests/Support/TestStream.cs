using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>
/// A stream as the host's registry behaves for its readers: fans frames out to readers with bounded
/// buffers of their own (a full one drops to the next keyframe), keeps the frames since the last
/// keyframe for new readers, counts viewers.
/// </summary>
internal sealed class TestStream(string name) : IMediaStream, IFrameSink
{
    private readonly Lock _gate = new();
    private readonly List<TestReader> _readers = [];
    private readonly List<MediaFrame> _sinceKeyframe = [];
    private TrackInfo[] _tracks = [];
    private int _viewers;
    private bool _ended;

    public string Name { get; } = name;

    public bool IsProducing { get; private set; }

    public IReadOnlyList<TrackInfo> Tracks => Volatile.Read(ref _tracks);

    /// <summary>What the host's stream gives from <c>segment_duration</c>/<c>segment_count</c>; a test may change it, as a reload does.</summary>
    public SegmentSettings Segments { get; set; } = SegmentSettings.Default;

    public bool HasVideo => Array.Exists(Tracks as TrackInfo[] ?? [], t => t.Kind == MediaKind.Video);

    public int Viewers => Volatile.Read(ref _viewers);

    public int ReaderCount
    {
        get { lock (_gate) return _readers.Count; }
    }

    public long DroppedByReaders
    {
        get { lock (_gate) return _readers.Sum(r => r.Dropped) + _droppedByGone; }
    }

    private long _droppedByGone;
    private readonly Queue<long> _videoArrivals = new();

    /// <summary>Largest gap between video frames reaching the stream between two timestamps (the source's own jitter).</summary>
    public TimeSpan LargestSourceGap(long from, long to)
    {
        lock (_gate)
        {
            var arrivals = _videoArrivals.Where(t => t >= from && t <= to).ToList();
            var largest = 0L;
            for (var i = 1; i < arrivals.Count; i++) largest = Math.Max(largest, arrivals[i] - arrivals[i - 1]);
            return System.Diagnostics.Stopwatch.GetElapsedTime(0, largest);
        }
    }

    public void OnTrack(TrackInfo track)
    {
        lock (_gate)
        {
            var list = _tracks.Where(t => t.TrackId != track.TrackId).Append(track).OrderBy(t => t.TrackId).ToArray();
            Volatile.Write(ref _tracks, list);
        }
    }

    public void OnFrame(in MediaFrame frame)
    {
        lock (_gate)
        {
            if (_ended) return;
            IsProducing = true;
            if (frame.Kind == MediaKind.Video)
            {
                _videoArrivals.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
                if (_videoArrivals.Count > 4096) _videoArrivals.Dequeue();
            }
            var startsGop = frame.IsKeyframe && (frame.Kind == MediaKind.Video || !HasVideo);
            if (startsGop)
            {
                foreach (var kept in _sinceKeyframe) kept.Release();
                _sinceKeyframe.Clear();
            }
            if (startsGop || _sinceKeyframe.Count > 0) _sinceKeyframe.Add(frame.Retain());
            foreach (var reader in _readers) reader.Offer(in frame, HasVideo);
        }
    }

    public IStreamReader Subscribe(StreamReaderOptions? options = null)
    {
        options ??= new StreamReaderOptions();
        lock (_gate)
        {
            var reader = new TestReader(this, options.Capacity);
            if (_ended)
            {
                reader.Complete();
                return reader;
            }
            if (options.FromLastKeyframe)
            {
                foreach (var kept in _sinceKeyframe) reader.Offer(in kept, HasVideo);
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

    /// <summary>The source stopped: readers complete.</summary>
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

    internal void Remove(TestReader reader)
    {
        lock (_gate)
        {
            if (_readers.Remove(reader)) _droppedByGone += reader.Dropped;
        }
    }

    private sealed class Leave(TestStream stream) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Decrement(ref stream._viewers);
        }
    }
}
