namespace Sluice.Host.Events;

/// <summary>Thresholds of the <see cref="SystemMonitor"/>.</summary>
internal sealed record SystemMonitorSettings
{
    /// <summary>How often memory, GC pauses and the thread pool are checked.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Share of available memory above which memory_usage is emitted (spec: half).</summary>
    public double MemoryWarnRatio { get; init; } = 0.5;

    /// <summary>Share above which memory_usage carries group system_overloaded (spec: 80%).</summary>
    public double MemoryOverloadRatio { get; init; } = 0.8;

    /// <summary>Least time between two memory_usage events of the same band.</summary>
    public TimeSpan MemoryRepeat { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A GC pause at least this long emits long_gc.</summary>
    public TimeSpan LongGc { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A thread pool work item waiting at least this long emits threadpool_starvation.</summary>
    public TimeSpan StarvationDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Least time between two threadpool_starvation events.</summary>
    public TimeSpan StarvationRepeat { get; init; } = TimeSpan.FromSeconds(10);
}
