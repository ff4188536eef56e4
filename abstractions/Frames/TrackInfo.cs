namespace Sluice.Abstractions.Frames;

/// <summary>
/// Description of one track: codec and its configuration. Immutable; a configuration change
/// produces a new instance (see <see cref="IFrameSink.OnTrack"/>).
/// </summary>
public sealed record TrackInfo
{
    /// <summary>Identifier of the track within its producer (the elementary PID for MPEG-TS).</summary>
    public required int TrackId { get; init; }

    /// <summary>Codec of the frames.</summary>
    public required CodecId Codec { get; init; }

    /// <summary>Video or audio.</summary>
    public MediaKind Kind => CodecFacts.KindOf(Codec);

    /// <summary>MPEG-TS program number the track belongs to (0 when not from MPEG-TS).</summary>
    public int ProgramNumber { get; init; }

    /// <summary>MPEG-TS stream_type of the track (0 when not from MPEG-TS).</summary>
    public byte StreamType { get; init; }

    /// <summary>Video configuration, once parameter sets were seen; null for audio.</summary>
    public VideoConfig? Video { get; init; }

    /// <summary>Audio configuration, once a frame header was seen; null for video.</summary>
    public AudioConfig? Audio { get; init; }
}

/// <summary>H.264/H.265 configuration: parameter sets and what their SPS says.</summary>
public sealed record VideoConfig
{
    /// <summary>Coded picture width after cropping, pixels.</summary>
    public int Width { get; init; }

    /// <summary>Coded picture height after cropping, pixels.</summary>
    public int Height { get; init; }

    /// <summary>profile_idc (H.264) or general_profile_idc (H.265).</summary>
    public int ProfileIdc { get; init; }

    /// <summary>Profile name as ffprobe prints it ("High", "Constrained Baseline", "Main", ...).</summary>
    public string ProfileName { get; init; } = "";

    /// <summary>level_idc (H.264: 31 = 3.1) or general_level_idc (H.265: 93 = 3.1).</summary>
    public int LevelIdc { get; init; }

    /// <summary>Chroma format: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.</summary>
    public int ChromaFormatIdc { get; init; } = 1;

    /// <summary>Luma bit depth.</summary>
    public int BitDepth { get; init; } = 8;

    /// <summary>Sequence parameter set NAL unit (with its header, without start code).</summary>
    public byte[] Sps { get; init; } = [];

    /// <summary>Picture parameter set NAL unit (with its header, without start code).</summary>
    public byte[] Pps { get; init; } = [];

    /// <summary>H.265 video parameter set NAL unit (empty for H.264).</summary>
    public byte[] Vps { get; init; } = [];
}

/// <summary>Audio configuration.</summary>
public sealed record AudioConfig
{
    /// <summary>Samples per second.</summary>
    public int SampleRate { get; init; }

    /// <summary>Channel count (AAC channel configuration 7 means 8 channels).</summary>
    public int Channels { get; init; }

    /// <summary>Samples per frame (AAC 1024, MP3 1152 or 576).</summary>
    public int SamplesPerFrame { get; init; }

    /// <summary>AAC audio object type (2 = LC); 0 for other codecs.</summary>
    public int AudioObjectType { get; init; }

    /// <summary>AAC AudioSpecificConfig bytes (what RTMP/MP4 carry); empty for other codecs.</summary>
    public byte[] AudioSpecificConfig { get; init; } = [];
}
