namespace Sluice.Media.Flv;

/// <summary>FLV tag types, which are also the RTMP message types of media (FLV 10.1, E.4.1).</summary>
public static class FlvTagType
{
    /// <summary>AUDIODATA (RTMP message type 8).</summary>
    public const byte Audio = 8;

    /// <summary>VIDEODATA (RTMP message type 9).</summary>
    public const byte Video = 9;

    /// <summary>SCRIPTDATA, AMF0 (RTMP data message type 18).</summary>
    public const byte Script = 18;
}

/// <summary>Video frame types of the FLV VideoTagHeader.</summary>
public enum FlvFrameType : byte
{
    /// <summary>Reserved (0).</summary>
    None = 0,
    /// <summary>A seekable frame.</summary>
    Key = 1,
    /// <summary>A non-seekable frame.</summary>
    Inter = 2,
    /// <summary>Disposable inter frame (H.263 only).</summary>
    DisposableInter = 3,
    /// <summary>Generated key frame (server use).</summary>
    GeneratedKey = 4,
    /// <summary>Video info/command frame: no picture.</summary>
    Command = 5,
}

/// <summary>What a video tag carries, in the terms of Enhanced RTMP (legacy AVC packet types map onto them).</summary>
public enum FlvVideoPacket : byte
{
    /// <summary>A decoder configuration record (AVC sequence header, hvcC, av1C).</summary>
    SequenceStart = 0,
    /// <summary>Coded frames (with a composition time for AVC and HEVC).</summary>
    CodedFrames = 1,
    /// <summary>End of sequence.</summary>
    SequenceEnd = 2,
    /// <summary>Coded frames with an implied composition time of zero.</summary>
    CodedFramesX = 3,
    /// <summary>AMF-encoded metadata (colorInfo), no picture.</summary>
    Metadata = 4,
    /// <summary>MPEG-2 TS sequence start (a descriptor instead of a configuration record).</summary>
    Mpeg2TsSequenceStart = 5,
    /// <summary>Anything else: a command frame, an Enhanced RTMP v2 multitrack or ModEx packet, a reserved value.</summary>
    Other = 15,
}
