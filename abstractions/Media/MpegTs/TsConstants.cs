using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

/// <summary>MPEG-TS constants (ISO/IEC 13818-1).</summary>
public static class TsConstants
{
    /// <summary>Every transport packet is 188 bytes.</summary>
    public const int PacketSize = 188;

    /// <summary>First byte of every packet.</summary>
    public const byte SyncByte = 0x47;

    /// <summary>PID of the program association table.</summary>
    public const int PatPid = 0;

    /// <summary>PID of null (stuffing) packets.</summary>
    public const int NullPid = 0x1FFF;

    /// <summary>Number of PIDs.</summary>
    public const int PidCount = 8192;
}

/// <summary>stream_type values of the codecs the toolkit carries in MPEG-TS.</summary>
public static class TsStreamTypes
{
    /// <summary>ISO 11172-3 audio (MP1/MP2/MP3).</summary>
    public const byte Mpeg1Audio = 0x03;
    /// <summary>ISO 13818-3 audio (MPEG-2 half-rate MP2/MP3).</summary>
    public const byte Mpeg2Audio = 0x04;
    /// <summary>PES private data (Opus, AC-3 ... with a registration descriptor).</summary>
    public const byte PrivatePes = 0x06;
    /// <summary>AAC with ADTS framing.</summary>
    public const byte AacAdts = 0x0F;
    /// <summary>H.264/AVC.</summary>
    public const byte H264 = 0x1B;
    /// <summary>H.265/HEVC.</summary>
    public const byte H265 = 0x24;

    /// <summary>Codec carried by a stream type, or Unknown for types the toolkit does not handle.</summary>
    public static CodecId CodecOf(byte streamType) => CodecOf(streamType, default, out _);

    /// <summary>
    /// Codec carried by a stream type and its ES descriptors (private data needs a registration
    /// descriptor: 'Opus'); <paramref name="channels"/> gets the Opus channel count (0 otherwise).
    /// </summary>
    public static CodecId CodecOf(byte streamType, ReadOnlySpan<byte> descriptors, out int channels)
    {
        channels = 0;
        switch (streamType)
        {
            case H264: return CodecId.H264;
            case H265: return CodecId.H265;
            case AacAdts: return CodecId.Aac;
            case Mpeg1Audio or Mpeg2Audio: return CodecId.Mp3;
            case PrivatePes:
                var opus = false;
                while (descriptors.Length >= 2)
                {
                    var tag = descriptors[0];
                    var length = descriptors[1];
                    if (2 + length > descriptors.Length) break;
                    var body = descriptors.Slice(2, length);
                    if (tag == 0x05 && body.SequenceEqual("Opus"u8)) opus = true;
                    // DVB extension descriptor, tag_extension 0x80: channel_config_code.
                    if (tag == 0x7F && length >= 2 && body[0] == 0x80) channels = body[1] is >= 1 and <= 8 ? body[1] : 2;
                    descriptors = descriptors[(2 + length)..];
                }
                if (opus && channels == 0) channels = 2;
                return opus ? CodecId.Opus : CodecId.Unknown;
            default: return CodecId.Unknown;
        }
    }
}
