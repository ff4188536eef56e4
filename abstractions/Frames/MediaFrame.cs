using Sluice.Abstractions.Buffers;

namespace Sluice.Abstractions.Frames;

/// <summary>
/// One access unit of one track: a video picture (Annex-B NAL units for H.264/H.265) or one audio
/// frame (raw AAC without ADTS, or a whole MP3/MP2 frame). Timestamps count 90 kHz ticks on a
/// continuous timeline (MPEG-TS wraps are unrolled). The payload is pooled and reference counted:
/// a frame handed to <see cref="IFrameSink.OnFrame"/> is borrowed for the duration of the call;
/// a reader that keeps it calls <see cref="Retain"/> and later <see cref="Release"/>.
/// </summary>
public readonly struct MediaFrame
{
    /// <summary>Creates a frame over <paramref name="payload"/> without adding a reference: whoever holds the buffer's reference decides when to release it.</summary>
    public MediaFrame(int trackId, CodecId codec, long dts, long pts, FrameFlags flags, RentedBuffer payload)
    {
        TrackId = trackId;
        Codec = codec;
        Dts = dts;
        Pts = pts;
        Flags = flags;
        Payload = payload;
    }

    /// <summary>Track this frame belongs to (the elementary PID for MPEG-TS).</summary>
    public int TrackId { get; }

    /// <summary>Codec of the payload.</summary>
    public CodecId Codec { get; }

    /// <summary>Video or audio.</summary>
    public MediaKind Kind => CodecFacts.KindOf(Codec);

    /// <summary>Decode timestamp, 90 kHz ticks.</summary>
    public long Dts { get; }

    /// <summary>Presentation timestamp, 90 kHz ticks (equals <see cref="Dts"/> without B-frames and for audio).</summary>
    public long Pts { get; }

    /// <summary>Keyframe, random access and discontinuity flags.</summary>
    public FrameFlags Flags { get; }

    /// <summary>True when a decoder can start at this frame.</summary>
    public bool IsKeyframe => (Flags & FrameFlags.Keyframe) != 0;

    /// <summary>The pooled payload.</summary>
    public RentedBuffer Payload { get; }

    /// <summary>The payload bytes (valid while a reference is held).</summary>
    public ReadOnlySpan<byte> Data => Payload.Span;

    /// <summary>Adds a reference to the payload and returns the same frame, for readers that keep it.</summary>
    public MediaFrame Retain()
    {
        Payload.Retain();
        return this;
    }

    /// <summary>Drops one reference to the payload.</summary>
    public void Release() => Payload.Release();

    /// <inheritdoc />
    public override string ToString() =>
        $"track {TrackId} {CodecFacts.NameOf(Codec)} dts={Dts} pts={Pts} {Flags} {Payload.Length} bytes";
}
