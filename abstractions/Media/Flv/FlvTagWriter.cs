using System.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.Amf;

namespace Sluice.Media.Flv;

/// <summary>
/// Writes the frame model as FLV tag bodies (what an RTMP player or an FLV file gets): configuration
/// records from tracks, Annex-B frames as 4-byte length-prefixed NAL units (H.264 in the legacy header,
/// H.265 and AV1 in Enhanced RTMP's ExVideoTagHeader), AAC and MP3 raw.
/// </summary>
public static class FlvTagWriter
{
    /// <summary>Whether FLV (with Enhanced RTMP) carries <paramref name="codec"/>.</summary>
    public static bool CanCarry(CodecId codec) => codec is CodecId.H264 or CodecId.H265 or CodecId.Av1 or CodecId.Aac or CodecId.Mp3;

    /// <summary>The tag type (RTMP message type) of a track's tags.</summary>
    public static byte TagTypeOf(CodecId codec) => CodecFacts.KindOf(codec) == MediaKind.Video ? FlvTagType.Video : FlvTagType.Audio;

    /// <summary>
    /// Writes the sequence header of <paramref name="track"/> (video configuration record, AAC
    /// AudioSpecificConfig); false when the track has none (MP3, or not configured yet).
    /// </summary>
    public static bool WriteSequenceHeader(TrackInfo track, IBufferWriter<byte> output)
    {
        if (track.Kind == MediaKind.Video)
        {
            if (track.Video is not { Sps.Length: > 0 } video || !CanCarry(track.Codec)) return false;
            var record = VideoConfigRecord.Write(track.Codec, video);
            var span = output.GetSpan(5 + record.Length);
            var header = FlvVideoHeader.Write(span, track.Codec, keyframe: true, FlvVideoPacket.SequenceStart, 0);
            record.CopyTo(span[header..]);
            output.Advance(header + record.Length);
            return true;
        }
        if (track.Codec != CodecId.Aac || track.Audio is not { AudioSpecificConfig.Length: > 0 } audio) return false;
        var aac = output.GetSpan(2 + audio.AudioSpecificConfig.Length);
        FlvAudioHeader.Write(aac, track, sequenceHeader: true);
        audio.AudioSpecificConfig.CopyTo(aac[2..]);
        output.Advance(2 + audio.AudioSpecificConfig.Length);
        return true;
    }

    /// <summary>Writes one frame of <paramref name="track"/>; false when FLV cannot carry its codec.</summary>
    public static bool WriteFrame(in MediaFrame frame, TrackInfo track, IBufferWriter<byte> output)
    {
        var data = frame.Data;
        switch (frame.Codec)
        {
            case CodecId.H264 or CodecId.H265:
                var h265 = frame.Codec == CodecId.H265;
                var length = NalFraming.LengthPrefixedLength(data, h265);
                var span = output.GetSpan(8 + length);
                var cts = (int)((frame.Pts - frame.Dts) / 90);
                var header = FlvVideoHeader.Write(span, frame.Codec, frame.IsKeyframe, FlvVideoPacket.CodedFrames, cts);
                NalFraming.ToLengthPrefixed(data, h265, span[header..]);
                output.Advance(header + length);
                return true;
            case CodecId.Av1:
                var av1 = output.GetSpan(5 + data.Length);
                var av1Header = FlvVideoHeader.Write(av1, CodecId.Av1, frame.IsKeyframe, FlvVideoPacket.CodedFrames, 0);
                data.CopyTo(av1[av1Header..]);
                output.Advance(av1Header + data.Length);
                return true;
            case CodecId.Aac or CodecId.Mp3:
                var audio = output.GetSpan(2 + data.Length);
                var audioHeader = FlvAudioHeader.Write(audio, track, sequenceHeader: false);
                data.CopyTo(audio[audioHeader..]);
                output.Advance(audioHeader + data.Length);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A frame's DTS in FLV milliseconds.</summary>
    public static long TimestampMs(long dts) => dts / 90;

    /// <summary>
    /// The <c>onMetaData</c> object for <paramref name="tracks"/> (width, height, codec ids; Enhanced RTMP
    /// FourCC numbers for H.265 and AV1), as players expect before the first tags.
    /// </summary>
    public static AmfObject Metadata(IReadOnlyList<TrackInfo> tracks)
    {
        var meta = new AmfObject { IsEcmaArray = true };
        foreach (var t in tracks)
        {
            if (!CanCarry(t.Codec)) continue;
            if (t.Kind == MediaKind.Video)
            {
                meta.Set("width", (double)(t.Video?.Width ?? 0)).Set("height", (double)(t.Video?.Height ?? 0));
                meta.Set("videocodecid", t.Codec switch
                {
                    CodecId.H264 => (double)FlvVideoHeader.LegacyAvc,
                    CodecId.H265 => (double)FlvVideoHeader.FourCcHevc,
                    _ => (double)FlvVideoHeader.FourCcAv1,
                });
            }
            else
            {
                meta.Set("audiocodecid", (double)(t.Codec == CodecId.Aac ? FlvAudioHeader.Aac : FlvAudioHeader.Mp3));
                if (t.Audio is { } a) meta.Set("audiosamplerate", (double)a.SampleRate).Set("stereo", a.Channels > 1);
            }
        }
        return meta;
    }
}
