using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

internal enum PluginChangeKind { Added, Replaced, Removed }

/// <summary>
/// Given to the host's callback while the plugin set changes. During the callback
/// <see cref="IPluginContributions.All{T}"/> already answers with the new set (the new version in the
/// old one's place, a removed plugin gone): the host re-applies its configuration from it, switches
/// its runtime objects over and drains the old ones before returning.
/// </summary>
internal sealed record PluginSetChange(PluginChangeKind Kind, string Folder, PluginManifest? Old, PluginManifest? New)
{
    public string Name => New?.Name ?? Old?.Name ?? System.IO.Path.GetFileName(Folder);

    public override string ToString() => Kind switch
    {
        PluginChangeKind.Added => $"plugin {Name} {New?.Version} added",
        PluginChangeKind.Replaced => $"plugin {Name} {Old?.Version} replaced by {New?.Version}",
        _ => $"plugin {Name} {Old?.Version} removed",
    };
}

/// <summary>What became of one change: applied or not, and whether the old context was collected.</summary>
internal sealed record PluginChangeOutcome(PluginSetChange Change, bool Applied, string? Error)
{
    /// <summary>True/false once the old context's collection was checked; null when nothing was unloaded.</summary>
    public bool? OldCollected { get; init; }

    /// <summary>The old context, weakly: dead once collected.</summary>
    public WeakReference? OldContext { get; init; }
}
