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
    public static Frames.CodecId CodecOf(byte streamType) => streamType switch
    {
        H264 => Frames.CodecId.H264,
        H265 => Frames.CodecId.H265,
        AacAdts => Frames.CodecId.Aac,
        Mpeg1Audio or Mpeg2Audio => Frames.CodecId.Mp3,
        _ => Frames.CodecId.Unknown,
    };
}
