using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls;

/// <summary>Delivery settings; the defaults are what the plugin uses in the host (see docs/hls.md).</summary>
internal sealed record HlsOptions
{
    /// <summary>A segment ends at the first keyframe at least this long after its start.</summary>
    public TimeSpan TargetDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A segment is cut even without a keyframe once it is this long (sources with very sparse keyframes).</summary>
    public TimeSpan MaxSegmentDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A segment is cut even without a keyframe once it holds this many bytes.</summary>
    public int MaxSegmentBytes { get; init; } = 32 << 20;

    /// <summary>Segments listed in a live playlist.</summary>
    public int PlaylistSegments { get; init; } = 6;

    /// <summary>Segments kept after they left the playlist, for clients that are a little late.</summary>
    public int ExtraSegments { get; init; } = 4;

    /// <summary>How long a playlist request waits for the first segment of a stream before 503.</summary>
    public TimeSpan FirstSegmentWait { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Retry-After of that 503, in seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 2;

    /// <summary>A segmenter stops after this long without a playlist or segment request.</summary>
    public TimeSpan SegmenterIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An HLS play session closes after this long without a request from its client.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often idle segmenters and sessions are looked for.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Frames buffered per reader before the registry drops to the next keyframe.</summary>
    public int ReaderCapacity { get; init; } = 2048;

    /// <summary>Bytes gathered before a write to an MPEG-TS viewer (fewer when no frame is waiting).</summary>
    public int StreamWriteChunk { get; init; } = 64 << 10;

    /// <summary>Where remuxed files are cached.</summary>
    public string VodCacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "sluice-vod");

    /// <summary>The ffmpeg executable used to remux files.</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Longest remux of one file.</summary>
    public TimeSpan RemuxTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// These options with a stream's <c>segment_duration</c> and <c>segment_count</c> applied; the wait for a
    /// first segment grows with the segment length (three of them, as with the default 2 s and 6 s).
    /// </summary>
    public HlsOptions For(SegmentSettings segments)
    {
        if (segments.Duration is null && segments.Count is null) return this;
        var target = segments.Duration ?? TargetDuration;
        return this with
        {
            TargetDuration = target,
            PlaylistSegments = segments.Count ?? PlaylistSegments,
            FirstSegmentWait = target * 3 > FirstSegmentWait ? target * 3 : FirstSegmentWait,
            MaxSegmentDuration = target * 2 > MaxSegmentDuration ? target * 2 : MaxSegmentDuration,
        };
    }

    public long TargetTicks => (long)(TargetDuration.TotalSeconds * 90_000);
    public long MaxSegmentTicks => (long)(MaxSegmentDuration.TotalSeconds * 90_000);
}
