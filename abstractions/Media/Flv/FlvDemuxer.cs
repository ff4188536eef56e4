using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.Amf;
using Sluice.Media.Codecs;

namespace Sluice.Media.Flv;

/// <summary>What <see cref="FlvDemuxer.Feed"/> did with a tag.</summary>
public enum FlvFeedResult
{
    /// <summary>A frame went to the sink.</summary>
    Frame,
    /// <summary>A codec configuration was read (the sink was told of the track if it changed).</summary>
    Configuration,
    /// <summary>Nothing to deliver: metadata, end of sequence, a command frame.</summary>
    Ignored,
    /// <summary>A codec the toolkit does not carry; the tag was skipped.</summary>
    Unsupported,
    /// <summary>A coded frame before its track's configuration; skipped.</summary>
    NotConfigured,
    /// <summary>A malformed tag (short header, bad configuration record, NAL lengths past the end); skipped.</summary>
    Malformed,
}

/// <summary>
/// Turns FLV tag bodies (FLV files, RTMP audio/video messages) into the frame model: configuration
/// records become tracks, length-prefixed NAL units become Annex-B frames, AAC and MP3 pass through
/// raw, millisecond timestamps become 90 kHz ticks. Malformed tags are skipped and counted, never
/// thrown. Not thread-safe: one feeder at a time.
/// </summary>
public sealed class FlvDemuxer(IFrameSink sink, int videoTrackId = FlvDemuxer.VideoTrackId, int audioTrackId = FlvDemuxer.AudioTrackId)
{
    /// <summary>Default track ids of the video and the audio track.</summary>
    public const int VideoTrackId = 1, AudioTrackId = 2;

    private TrackInfo? _video;
    private TrackInfo? _audio;
    private int _lengthSize = 4;

    /// <summary>The video track, once configured.</summary>
    public TrackInfo? Video => _video;

    /// <summary>The audio track, once configured.</summary>
    public TrackInfo? Audio => _audio;

    /// <summary>Frames delivered.</summary>
    public long Frames { get; private set; }

    /// <summary>Tags skipped as malformed.</summary>
    public long Malformed { get; private set; }

    /// <summary>The last onMetaData (or @setDataFrame onMetaData) object seen, if any.</summary>
    public AmfObject? Metadata { get; private set; }

    /// <summary>Feeds one tag of <paramref name="tagType"/> (<see cref="FlvTagType"/>) at <paramref name="timestampMs"/>.</summary>
    public FlvFeedResult Feed(byte tagType, long timestampMs, ReadOnlySpan<byte> body)
    {
        var result = tagType switch
        {
            FlvTagType.Video => FeedVideo(timestampMs, body),
            FlvTagType.Audio => FeedAudio(timestampMs, body),
            FlvTagType.Script => FeedScript(body),
            _ => FlvFeedResult.Unsupported,
        };
        if (result == FlvFeedResult.Malformed) Malformed++;
        else if (result == FlvFeedResult.Frame) Frames++;
        return result;
    }

    private FlvFeedResult FeedVideo(long timestampMs, ReadOnlySpan<byte> body)
    {
        if (!FlvVideoHeader.TryParse(body, out var h)) return FlvFeedResult.Malformed;
        if (h.Codec == CodecId.Unknown) return h.Packet == FlvVideoPacket.Metadata ? FlvFeedResult.Ignored : FlvFeedResult.Unsupported;
        var payload = body[h.HeaderLength..];
        switch (h.Packet)
        {
            case FlvVideoPacket.SequenceStart:
                if (!VideoConfigRecord.TryRead(h.Codec, payload, out var config, out var lengthSize)) return FlvFeedResult.Malformed;
                if (h.Codec != CodecId.Av1) _lengthSize = lengthSize;
                SetVideo(h.Codec, config);
                return FlvFeedResult.Configuration;
            case FlvVideoPacket.CodedFrames or FlvVideoPacket.CodedFramesX when h.FrameType != FlvFrameType.Command:
                return DeliverVideo(h, timestampMs, payload);
            default:
                return FlvFeedResult.Ignored;
        }
    }

    private FlvFeedResult DeliverVideo(in FlvVideoHeader h, long timestampMs, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) return FlvFeedResult.Ignored;
        if (h.Codec == CodecId.Av1 && (_video is null || _video.Codec != CodecId.Av1) && VideoConfigRecord.Av1FromTemporalUnit(payload) is { } av1)
            SetVideo(CodecId.Av1, av1); // a sequence header in band before any av1C
        if (_video is null || _video.Codec != h.Codec) return FlvFeedResult.NotConfigured;
        RentedBuffer buffer;
        if (h.Codec == CodecId.Av1)
        {
            buffer = RentedBuffer.CopyOf(payload);
        }
        else
        {
            var length = NalFraming.AnnexBLength(payload, _lengthSize);
            if (length <= 0) return FlvFeedResult.Malformed;
            buffer = RentedBuffer.Rent(length);
            NalFraming.ToAnnexB(payload, _lengthSize, buffer.Span);
        }
        var dts = Timestamps.FromMilliseconds(timestampMs);
        var pts = Timestamps.FromMilliseconds(timestampMs + h.CompositionTimeMs);
        var flags = h.FrameType is FlvFrameType.Key or FlvFrameType.GeneratedKey ? FrameFlags.Keyframe : FrameFlags.None;
        try
        {
            sink.OnFrame(new MediaFrame(videoTrackId, h.Codec, dts, pts, flags, buffer));
        }
        finally
        {
            buffer.Release();
        }
        return FlvFeedResult.Frame;
    }

    private void SetVideo(CodecId codec, VideoConfig config)
    {
        if (_video is { } current && current.Codec == codec && SameVideo(current.Video!, config)) return;
        _video = new TrackInfo { TrackId = videoTrackId, Codec = codec, Video = config };
        sink.OnTrack(_video);
    }

    private static bool SameVideo(VideoConfig a, VideoConfig b) =>
        a.Sps.AsSpan().SequenceEqual(b.Sps) && a.Pps.AsSpan().SequenceEqual(b.Pps) && a.Vps.AsSpan().SequenceEqual(b.Vps);

    private FlvFeedResult FeedAudio(long timestampMs, ReadOnlySpan<byte> body)
    {
        if (!FlvAudioHeader.TryParse(body, out var h)) return FlvFeedResult.Malformed;
        if (h.Codec == CodecId.Unknown) return FlvFeedResult.Unsupported;
        var payload = body[h.HeaderLength..];
        if (h.Codec == CodecId.Aac)
        {
            if (h.IsSequenceHeader)
            {
                if (!AacConfig.TryParse(payload, out var aac)) return FlvFeedResult.Malformed;
                if (_audio is not { Codec: CodecId.Aac } current || !current.Audio!.AudioSpecificConfig.AsSpan().SequenceEqual(payload))
                {
                    _audio = new TrackInfo
                    {
                        TrackId = audioTrackId, Codec = CodecId.Aac,
                        Audio = new AudioConfig
                        {
                            SampleRate = aac.SampleRate, Channels = aac.Channels, SamplesPerFrame = 1024,
                            AudioObjectType = aac.AudioObjectType, AudioSpecificConfig = payload.ToArray(),
                        },
                    };
                    sink.OnTrack(_audio);
                }
                return FlvFeedResult.Configuration;
            }
            if (_audio is not { Codec: CodecId.Aac }) return FlvFeedResult.NotConfigured;
        }
        else
        {
            if (!MpegAudioHeader.TryParse(payload, out var mp3)) return payload.IsEmpty ? FlvFeedResult.Ignored : FlvFeedResult.Malformed;
            if (_audio is not { Codec: CodecId.Mp3 } current || current.Audio!.SampleRate != mp3.SampleRate || current.Audio.Channels != mp3.Channels)
            {
                _audio = new TrackInfo
                {
                    TrackId = audioTrackId, Codec = CodecId.Mp3,
                    Audio = new AudioConfig { SampleRate = mp3.SampleRate, Channels = mp3.Channels, SamplesPerFrame = mp3.SamplesPerFrame },
                };
                sink.OnTrack(_audio);
            }
        }
        if (payload.IsEmpty) return FlvFeedResult.Ignored;
        var buffer = RentedBuffer.CopyOf(payload);
        var ts = Timestamps.FromMilliseconds(timestampMs);
        try
        {
            sink.OnFrame(new MediaFrame(audioTrackId, h.Codec, ts, ts, FrameFlags.Keyframe, buffer));
        }
        finally
        {
            buffer.Release();
        }
        return FlvFeedResult.Frame;
    }

    private FlvFeedResult FeedScript(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new AmfReader(body);
            var name = reader.ReadValue() as string;
            if (name == "@setDataFrame" && !reader.End) name = reader.ReadValue() as string;
            if (name != "onMetaData" || reader.End) return FlvFeedResult.Ignored;
            if (reader.ReadValue() is AmfObject metadata) Metadata = metadata;
            return FlvFeedResult.Ignored;
        }
        catch (AmfException)
        {
            return FlvFeedResult.Malformed;
        }
    }
}
