using Sluice.Abstractions.Buffers;

namespace Sluice.Protocols.Hls.Live;

/// <summary>
/// A finished segment: its MPEG-TS bytes (pooled; one reference owned by whoever holds the segment),
/// its duration from DTS, the wall clock of its first frame and whether the timeline broke before it.
/// </summary>
internal sealed record CompletedSegment(RentedBuffer Data, long DurationTicks, DateTimeOffset ProgramDateTime, bool Discontinuity)
{
    public double DurationSeconds => DurationTicks / 90_000.0;
}
