using System.Threading.Channels;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// One reader's bounded queue. Written only by the stream under its lock (so <see cref="Offer"/> never
/// races itself); when full, frames are dropped up to the next keyframe instead of waiting.
/// </summary>
internal sealed class StreamReader : IStreamReader
{
    private readonly Channel<MediaFrame> _channel;
    private readonly MediaStream _stream;
    private bool _skipping;
    private long _dropped;
    private int _disposed;

    public StreamReader(MediaStream stream, int capacity, bool waitForKeyframe, bool keepsStreamAlive = true)
    {
        _stream = stream;
        KeepsStreamAlive = keepsStreamAlive;
        _skipping = waitForKeyframe;
        _channel = Channel.CreateBounded<MediaFrame>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the stream never waits
        });
    }

    public ChannelReader<MediaFrame> Frames => _channel.Reader;

    public IReadOnlyList<TrackInfo> Tracks => _stream.Tracks;

    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Counts against <c>clients_timeout</c> like a viewer.</summary>
    public bool KeepsStreamAlive { get; }

    /// <summary>Queues a retained copy of the frame, or drops it (counted) while the reader is behind.</summary>
    internal void Offer(in MediaFrame frame, bool resetPoint)
    {
        if (_skipping)
        {
            if (!resetPoint)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            _skipping = false;
        }
        if (_channel.Writer.TryWrite(frame.Retain())) return;
        frame.Release();
        Interlocked.Increment(ref _dropped);
        _skipping = true;
    }

    /// <summary>The stream ended: the reader gets what is queued, then completion.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        _stream.Remove(this);
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var frame)) frame.Release();
        return ValueTask.CompletedTask;
    }
}
