using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>Either a loaded plugin, or the reason a folder could not be loaded.</summary>
internal sealed record PluginLoadResult(string Folder, FolderStamp Stamp, PluginManifest? Manifest, LoadedPlugin? Plugin, string? Error)
{
    public static PluginLoadResult Loaded(LoadedPlugin plugin) =>
        new(plugin.Folder, plugin.Stamp, plugin.Manifest, plugin, null);

    public static PluginLoadResult Failed(string folder, FolderStamp stamp, PluginManifest? manifest, string error) =>
        new(folder, stamp, manifest, null, error);
}
