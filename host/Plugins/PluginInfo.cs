using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

internal enum PluginState { Loaded, Failed }

/// <summary>
/// One plugin folder as <c>sluice plugins</c> lists it. <see cref="Error"/> is the reason of a Failed
/// plugin, or, for a Loaded one, why its latest update was not taken (the previous version still runs).
/// </summary>
internal sealed record PluginInfo(
    string Folder,
    PluginState State,
    PluginManifest? Manifest,
    string? Error,
    DateTimeOffset? LoadedAt)
{
    /// <summary>The manifest's name, or the folder's name when there is no valid manifest.</summary>
    public string Name => Manifest?.Name ?? System.IO.Path.GetFileName(Folder);

    public string? Version => Manifest?.Version;
}
