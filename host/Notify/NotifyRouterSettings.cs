namespace Sluice.Host.Notify;

/// <summary>Limits of the notify router; the defaults suit production.</summary>
internal sealed record NotifyRouterSettings
{
    /// <summary>The server's name, written into every event's <c>server</c> field.</summary>
    public string ServerName { get; init; } = Environment.MachineName;

    /// <summary>Events a block may hold before new ones are dropped (and counted).</summary>
    public int QueueCapacity { get; init; } = 100_000;

    /// <summary>Most events handed to a sink in one call.</summary>
    public int MaxBatch { get; init; } = 1000;

    /// <summary>How long a removed block (or the router at stop) may take to deliver what is queued.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock of event times, delivery deadlines and retry waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long <c>POST /api/v1/events</c> waits for spooled blocks to make its events durable.</summary>
    public TimeSpan DurableTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Folder that relative sink paths are relative to, when no configuration gives one.</summary>
    public string ConfigDirectory { get; init; } = Directory.GetCurrentDirectory();
}
