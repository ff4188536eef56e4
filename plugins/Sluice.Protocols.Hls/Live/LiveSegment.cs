using Sluice.Abstractions.Buffers;

namespace Sluice.Protocols.Hls.Live;

/// <summary>A segment in a live window, numbered by media sequence.</summary>
internal sealed record LiveSegment(long Sequence, RentedBuffer Data, double DurationSeconds, DateTimeOffset ProgramDateTime, bool Discontinuity);
