namespace Sluice.Protocols.Hls.Vod;

/// <summary>A byte range of the cached transport stream that starts at a keyframe (the first one at the file start).</summary>
internal readonly record struct VodSegment(long Offset, long Length, double DurationSeconds);

/// <summary>A remuxed file ready to serve: where it is, its segments, the PAT/PMT put in front of each segment, the playlist.</summary>
internal sealed class VodIndex
{
    public required string CachedFile { get; init; }
    public required long FileLength { get; init; }
    public required IReadOnlyList<VodSegment> Segments { get; init; }

    /// <summary>PAT and PMT packets (discontinuity indicator set) sent before every segment but the first.</summary>
    public required byte[] TablesPrefix { get; init; }

    public required byte[] Playlist { get; init; }

    public double DurationSeconds => Segments.Sum(s => s.DurationSeconds);
}
