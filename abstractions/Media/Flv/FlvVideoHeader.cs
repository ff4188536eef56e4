using System.Buffers.Binary;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.Flv;

/// <summary>
/// The header of a video tag body: the legacy VideoTagHeader (codec id 7, AVC; 12, the HEVC extension
/// Chinese CDNs use) or Enhanced RTMP's ExVideoTagHeader (FourCC <c>avc1</c>, <c>hvc1</c>, <c>av01</c>).
/// </summary>
/// <param name="Codec">The codec; <see cref="CodecId.Unknown"/> for codecs the toolkit does not carry (VP6, VP9, H.263...).</param>
/// <param name="FrameType">Key, inter, command...</param>
/// <param name="Packet">What the body carries.</param>
/// <param name="CompositionTimeMs">PTS minus DTS in milliseconds (0 when absent).</param>
/// <param name="HeaderLength">Bytes before the payload (configuration record or coded data).</param>
/// <param name="Enhanced">True for an ExVideoTagHeader.</param>
public readonly record struct FlvVideoHeader(CodecId Codec, FlvFrameType FrameType, FlvVideoPacket Packet, int CompositionTimeMs, int HeaderLength, bool Enhanced)
{
    /// <summary>Legacy codec ids.</summary>
    public const int LegacyAvc = 7, LegacyHevc = 12;

    /// <summary>Enhanced RTMP FourCCs, big endian.</summary>
    public const uint FourCcAvc = 0x61766331, FourCcHevc = 0x68766331, FourCcAv1 = 0x61763031, FourCcVp9 = 0x76703039;

    /// <summary>True when the payload is a picture (or pictures) a decoder consumes.</summary>
    public bool IsCodedFrame => Packet is FlvVideoPacket.CodedFrames or FlvVideoPacket.CodedFramesX && FrameType != FlvFrameType.Command;

    /// <summary>Parses the header at the start of a video tag body; false when it is too short.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FlvVideoHeader header)
    {
        header = default;
        if (body.Length < 1) return false;
        var first = body[0];
        var enhanced = (first & 0x80) != 0;
        var frameType = (FlvFrameType)((first >> 4) & 0x7);
        if (!enhanced)
        {
            var codecId = first & 0x0F;
            var codec = codecId switch { LegacyAvc => CodecId.H264, LegacyHevc => CodecId.H265, _ => CodecId.Unknown };
            if (codec == CodecId.Unknown)
            {
                header = new FlvVideoHeader(CodecId.Unknown, frameType, FlvVideoPacket.Other, 0, 1, false);
                return true;
            }
            if (body.Length < 5) return false;
            var packet = body[1] switch { 0 => FlvVideoPacket.SequenceStart, 1 => FlvVideoPacket.CodedFrames, 2 => FlvVideoPacket.SequenceEnd, _ => FlvVideoPacket.Other };
            header = new FlvVideoHeader(codec, frameType, packet, ReadSi24(body[2..]), 5, false);
            return true;
        }
        if (body.Length < 5) return false;
        var packetType = first & 0x0F;
        var fourCc = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        var exCodec = fourCc switch { FourCcAvc => CodecId.H264, FourCcHevc => CodecId.H265, FourCcAv1 => CodecId.Av1, _ => CodecId.Unknown };
        var exPacket = packetType <= 5 ? (FlvVideoPacket)packetType : FlvVideoPacket.Other;
        if (exPacket == FlvVideoPacket.Metadata) frameType = FlvFrameType.None; // the frame type bits mean nothing then
        // Only AVC and HEVC coded frames carry a composition time; CodedFramesX implies zero.
        if (exPacket == FlvVideoPacket.CodedFrames && exCodec is CodecId.H264 or CodecId.H265)
        {
            if (body.Length < 8) return false;
            header = new FlvVideoHeader(exCodec, frameType, exPacket, ReadSi24(body[5..]), 8, true);
            return true;
        }
        header = new FlvVideoHeader(exCodec, frameType, exPacket, 0, 5, true);
        return true;
    }

    /// <summary>Writes a legacy AVC header (5 bytes) or an ExVideoTagHeader (5 or 8 bytes); returns its length.</summary>
    public static int Write(Span<byte> destination, CodecId codec, bool keyframe, FlvVideoPacket packet, int compositionTimeMs)
    {
        var frameType = keyframe ? (byte)FlvFrameType.Key : (byte)FlvFrameType.Inter;
        if (codec == CodecId.H264)
        {
            destination[0] = (byte)((frameType << 4) | LegacyAvc);
            destination[1] = packet switch { FlvVideoPacket.SequenceStart => 0, FlvVideoPacket.SequenceEnd => 2, _ => 1 };
            WriteSi24(destination[2..], compositionTimeMs);
            return 5;
        }
        var fourCc = codec switch
        {
            CodecId.H265 => FourCcHevc,
            CodecId.Av1 => FourCcAv1,
            _ => throw new ArgumentException($"FLV cannot carry {CodecFacts.NameOf(codec)} video", nameof(codec)),
        };
        // HEVC without a composition offset takes the short form; AV1 coded frames never carry one.
        var withTime = codec == CodecId.H265 && packet == FlvVideoPacket.CodedFrames;
        if (withTime && compositionTimeMs == 0)
        {
            packet = FlvVideoPacket.CodedFramesX;
            withTime = false;
        }
        destination[0] = (byte)(0x80 | (frameType << 4) | (byte)packet);
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], fourCc);
        if (!withTime) return 5;
        WriteSi24(destination[5..], compositionTimeMs);
        return 8;
    }

    private static int ReadSi24(ReadOnlySpan<byte> b)
    {
        var v = (b[0] << 16) | (b[1] << 8) | b[2];
        return (v & 0x800000) != 0 ? v - 0x1000000 : v;
    }

    private static void WriteSi24(Span<byte> b, int value)
    {
        value = Math.Clamp(value, -0x800000, 0x7FFFFF);
        b[0] = (byte)(value >> 16);
        b[1] = (byte)(value >> 8);
        b[2] = (byte)value;
    }
}
