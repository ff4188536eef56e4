namespace Sluice.Dvr.Archive;

/// <summary>One recorded fragment: its UTC start and duration in ms (as its file name says) and its size.</summary>
internal readonly record struct Fragment(long StartMs, int DurationMs, long Bytes)
{
    public long EndMs => StartMs + DurationMs;

    /// <summary>Its path below the stream's folder, e.g. <c>2024/05/01/12/05-12-345_2000.ts</c>.</summary>
    public string RelativePath => FragmentNames.RelativePath(StartMs, DurationMs);
}
