namespace Sluice.Abstractions.Frames;

/// <summary>Per-frame flags.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>A decoder can start here: H.264 IDR, H.265 IRAP, or any audio frame.</summary>
    Keyframe = 1,
    /// <summary>The container marked this frame as a random access point (MPEG-TS random_access_indicator).</summary>
    RandomAccess = 2,
    /// <summary>Data of this track was lost or the timeline jumped just before this frame.</summary>
    Discontinuity = 4,
}
