namespace Sluice.Host.Streams;

/// <summary>Timings of the registry that are not configuration directives (tests shorten them).</summary>
internal sealed record StreamRegistrySettings
{
    /// <summary>First wait before retrying after a failed attempt; doubles per failure in a row.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An attempt that delivered frames this long resets the backoff.</summary>
    public TimeSpan HealthyAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>While on a backup input, the primary is probed this often (and switched back to once it delivers a keyframe).</summary>
    public TimeSpan PrimaryProbeInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A published stream is removed this long after its publisher leaves (unless it comes back).</summary>
    public TimeSpan PublishedLinger { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often on-demand and published streams are checked for idleness.</summary>
    public TimeSpan IdleCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a cancelled source gets to return before it is abandoned.</summary>
    public TimeSpan SourceStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>GOP cache limits: beyond them the cache empties and waits for the next keyframe.</summary>
    public int GopMaxFrames { get; init; } = 2000;

    public long GopMaxBytes { get; init; } = 64L << 20;

    /// <summary>Folder relative <c>file://</c> inputs resolve against (the configuration's).</summary>
    public string ConfigDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Host services handed to source factories.</summary>
    public IServiceProvider Services { get; init; } = Sluice.Abstractions.Plugins.EmptyServiceProvider.Instance;

    /// <summary>The clock handed to sources.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
