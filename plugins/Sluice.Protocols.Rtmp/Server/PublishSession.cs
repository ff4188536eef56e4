using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Media.Flv;
using Sluice.Protocols.Rtmp.Commands;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Server;

/// <summary>
/// A publication: media messages of the connection go through an <see cref="FlvDemuxer"/> into the stream's
/// publisher; the session counts bytes and says when media started. The host ending the publication
/// (stream stopped, removed, taken over by a reconnecting publisher) hangs up the connection.
/// </summary>
internal sealed class PublishSession : IFrameSink, IMediaSink, IAsyncDisposable
{
    private readonly ServerConnection _connection;
    private readonly IStreamPublisher _publisher;
    private readonly ISession? _session;
    private readonly ILogger _log;
    private readonly FlvDemuxer _demuxer;
    private readonly CancellationTokenRegistration _ended;
    private bool _started;
    private bool _warnedUnsupported;
    private long _malformedLogged;

    public PublishSession(ServerConnection connection, IStreamPublisher publisher, ISession? session, ILogger log)
    {
        _connection = connection;
        _publisher = publisher;
        _session = session;
        _log = log;
        _demuxer = new FlvDemuxer(this);
        _ended = publisher.Ended.Register(static c => ((ServerConnection)c!).PublicationEnded(), connection);
    }

    public string StreamName => _publisher.StreamName;

    public void OnData(in RtmpMessage message) =>
        _demuxer.Feed(FlvTagType.Script, message.Timestamp, DataMessage.Amf0Of(message.Type, message.Payload.Span));

    public void OnMedia(byte type, long timestampMs, ReadOnlySpan<byte> body)
    {
        _session?.AddBytes(body.Length);
        var result = _demuxer.Feed(type, timestampMs, body);
        switch (result)
        {
            case FlvFeedResult.Unsupported when !_warnedUnsupported:
                _warnedUnsupported = true;
                _log.LogWarning("{Stream}: the publisher {Ip} sends {Kind} in a codec FLV here does not carry (first byte 0x{Byte:x2}); those tags are dropped",
                    StreamName, _connection.Ip, type == FlvTagType.Video ? "video" : "audio", body.IsEmpty ? 0 : body[0]);
                break;
            case FlvFeedResult.Malformed when _demuxer.Malformed >= _malformedLogged * 2 + 1:
                _malformedLogged = _demuxer.Malformed;
                _log.LogWarning("{Stream}: {Count} malformed media tag(s) from {Ip} dropped", StreamName, _demuxer.Malformed, _connection.Ip);
                break;
        }
    }

    public void OnTrack(TrackInfo track) => _publisher.OnTrack(track);

    public void OnFrame(in MediaFrame frame)
    {
        if (!_started)
        {
            _started = true;
            _session?.Started();
        }
        _publisher.OnFrame(frame);
    }

    public async ValueTask DisposeAsync()
    {
        await _ended.DisposeAsync();
        await _publisher.DisposeAsync();
        _session?.Dispose();
    }
}

/// <summary>Where the audio/video messages of an aggregate go.</summary>
internal interface IMediaSink
{
    void OnMedia(byte type, long timestampMs, ReadOnlySpan<byte> body);
}

/// <summary>
/// Aggregate messages (RTMP 1.0, 6.1.3.1): FLV tags back to back, each with its back pointer, timestamps
/// relative to the first one, which stands at the message's own timestamp.
/// </summary>
internal static class Aggregate
{
    public static void Split(in RtmpMessage message, IMediaSink sink)
    {
        var data = message.Payload.Span;
        var offset = 0;
        long first = -1;
        while (FlvFile.TryReadTag(data, ref offset, out var type, out var ts, out var body))
        {
            if (first < 0) first = ts;
            if (type is FlvTagType.Audio or FlvTagType.Video) sink.OnMedia(type, message.Timestamp + (ts - first), body);
        }
    }
}
