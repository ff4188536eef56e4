using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// A stream's readers and the GOP cache that starts new ones at the last keyframe: every frame is offered to
/// each reader's own bounded queue (a full one drops up to the next keyframe) under one short lock, never
/// waiting for a reader. Also counts what the readers dropped and the stream's bitrate.
/// </summary>
internal sealed class ReaderFanOut(int gopMaxFrames, long gopMaxBytes)
{
    private readonly object _lock = new();
    private readonly List<StreamReader> _readers = [];
    private readonly GopCache _gop = new(gopMaxFrames, gopMaxBytes);
    private readonly BitrateMeter _bitrate = new();
    private long _departedDropped;
    private bool _completed;

    public int Count
    {
        get { lock (_lock) return _readers.Count; }
    }

    /// <summary>Frames dropped by every reader, those gone included.</summary>
    public long Dropped
    {
        get { lock (_lock) return _departedDropped + _readers.Sum(r => r.Dropped); }
    }

    /// <summary>True while a reader that counts as a viewer (<see cref="StreamReaderOptions.KeepsStreamAlive"/>) reads.</summary>
    public bool KeepsStreamAlive
    {
        get { lock (_lock) return _readers.Exists(r => r.KeepsStreamAlive); }
    }

    public long BitsPerSecond(long nowMs)
    {
        lock (_lock) return _bitrate.BitsPerSecond(nowMs);
    }

    /// <summary>Adds <paramref name="reader"/>, first given the cached GOP when it asked for it; completed at once after <see cref="Complete"/>.</summary>
    public void Add(StreamReader reader, bool fromLastKeyframe)
    {
        lock (_lock)
        {
            if (_completed)
            {
                reader.Complete();
                return;
            }
            if (fromLastKeyframe)
            {
                var frames = _gop.Frames;
                for (var i = 0; i < frames.Count; i++) reader.Offer(frames[i], i == 0);
            }
            _readers.Add(reader);
        }
    }

    public void Remove(StreamReader reader)
    {
        lock (_lock)
        {
            if (_readers.Remove(reader)) _departedDropped += reader.Dropped;
        }
    }

    /// <summary>Offers one frame to the cache and every reader (called by the stream's one writer).</summary>
    public void Offer(in MediaFrame frame, bool resetPoint, long nowMs)
    {
        lock (_lock)
        {
            _bitrate.Add(frame.Payload.Length, nowMs);
            _gop.Add(frame, resetPoint);
            foreach (var r in _readers) r.Offer(frame, resetPoint);
        }
    }

    /// <summary>Another source takes over: what is cached belongs to the previous one.</summary>
    public void ClearCache()
    {
        lock (_lock) _gop.Clear();
    }

    /// <summary>The stream ended: every reader gets what is queued, then completion; later readers complete at once.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            _gop.Clear();
            foreach (var r in _readers)
            {
                _departedDropped += r.Dropped;
                r.Complete();
            }
            _readers.Clear();
        }
    }
}
