namespace Sluice.Abstractions.Frames;

/// <summary>Codec of a track's frames.</summary>
public enum CodecId : byte
{
    /// <summary>Not known or not supported.</summary>
    Unknown = 0,
    /// <summary>H.264/AVC video, Annex-B payload.</summary>
    H264,
    /// <summary>H.265/HEVC video, Annex-B payload.</summary>
    H265,
    /// <summary>AAC audio, raw access units (no ADTS header); configuration in <see cref="AudioConfig"/>.</summary>
    Aac,
    /// <summary>MPEG-1/2 audio layer III, whole frames with their headers.</summary>
    Mp3,
    /// <summary>MPEG-1/2 audio layer II, whole frames with their headers.</summary>
    Mp2,
    /// <summary>Opus packets (in MPEG-TS: private PES with an 'Opus' registration descriptor; control headers stripped).</summary>
    Opus,
    /// <summary>AV1 video, a temporal unit of OBUs (low-overhead format, as Enhanced RTMP and MP4 carry it).</summary>
    Av1,
}

/// <summary>Video or audio.</summary>
public enum MediaKind : byte
{
    /// <summary>Neither (unknown codec).</summary>
    Unknown = 0,
    /// <summary>Video track.</summary>
    Video,
    /// <summary>Audio track.</summary>
    Audio,
}

/// <summary>Facts about codecs.</summary>
public static class CodecFacts
{
    /// <summary>Whether the codec is video or audio.</summary>
    public static MediaKind KindOf(CodecId codec) => codec switch
    {
        CodecId.H264 or CodecId.H265 or CodecId.Av1 => MediaKind.Video,
        CodecId.Aac or CodecId.Mp3 or CodecId.Mp2 or CodecId.Opus => MediaKind.Audio,
        _ => MediaKind.Unknown,
    };

    /// <summary>Short lower-case name, as ffprobe spells it ("h264", "hevc", "aac", "mp3", "mp2", "opus", "av1").</summary>
    public static string NameOf(CodecId codec) => codec switch
    {
        CodecId.H264 => "h264",
        CodecId.H265 => "hevc",
        CodecId.Aac => "aac",
        CodecId.Mp3 => "mp3",
        CodecId.Mp2 => "mp2",
        CodecId.Opus => "opus",
        CodecId.Av1 => "av1",
        _ => "unknown",
    };
}
