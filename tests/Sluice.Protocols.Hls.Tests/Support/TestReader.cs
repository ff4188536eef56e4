using System.Threading.Channels;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>One reader of a <see cref="TestStream"/>: a bounded channel; when full, frames are dropped up to the next keyframe.</summary>
internal sealed class TestReader(TestStream stream, int capacity) : IStreamReader
{
    private readonly Channel<MediaFrame> _channel = Channel.CreateBounded<MediaFrame>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private bool _dropping;
    private long _dropped;

    public ChannelReader<MediaFrame> Frames => _channel.Reader;

    public IReadOnlyList<TrackInfo> Tracks => stream.Tracks;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Called under the stream's lock.</summary>
    internal void Offer(in MediaFrame frame, bool hasVideo)
    {
        if (_dropping)
        {
            var restart = frame.IsKeyframe && (frame.Kind == MediaKind.Video || !hasVideo);
            if (!restart)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            _dropping = false;
        }
        var retained = frame.Retain();
        if (_channel.Writer.TryWrite(retained)) return;
        retained.Release();
        Interlocked.Increment(ref _dropped);
        _dropping = true;
    }

    internal void Complete() => _channel.Writer.TryComplete();

    public ValueTask DisposeAsync()
    {
        stream.Remove(this);
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var frame)) frame.Release();
        return ValueTask.CompletedTask;
    }
}
