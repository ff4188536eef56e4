namespace Sluice.Dvr;

/// <summary>The DVR's tunables; the defaults are what the plugin uses in the host (docs/dvr.md). Tests shorten them.</summary>
internal sealed record DvrSettings
{
    /// <summary>A fragment ends at the first keyframe at least this long after its start, unless the stream's <c>segment_duration</c> says otherwise.</summary>
    public TimeSpan FragmentDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A fragment is cut even without a keyframe once it is this long (sources with very sparse keyframes).</summary>
    public TimeSpan MaxFragmentDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Frames buffered for the recorder before the stream drops (and counts) to the next keyframe: about 14 s of 25 fps video with audio.</summary>
    public int ReaderCapacity { get; init; } = 1024;

    /// <summary>Bytes gathered before a write to the fragment file; what a kill -9 can lose of the fragment being written.</summary>
    public int WriteChunk { get; init; } = 64 << 10;

    /// <summary>How often retention by depth and size runs (also once when an archive is opened).</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After a write error, how long until the next attempt to write a fragment.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the start of a recording waits for a track whose configuration is not known yet (AAC before its first frame).</summary>
    public TimeSpan TrackWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A fragment whose timestamps run this far ahead of the clock starts a new timeline (a source faster than real time).</summary>
    public TimeSpan FutureTolerance { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A fragment whose timestamps lag this far behind the clock starts a new timeline (a source clock slower than real time).</summary>
    public TimeSpan LagTolerance { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A timestamp jump larger than this (or backwards) within one track starts a new timeline.</summary>
    public TimeSpan MaxTimestampJump { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest MP4 or MPEG-TS export of one request.</summary>
    public TimeSpan MaxExportDuration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>A DVR play session (playlists and fragments of one client) closes after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often idle play sessions are looked for.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(2);
}
