using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>
/// <see cref="Removing"/>: its folder is gone but the configuration in force still uses it, so it keeps
/// running (see <see cref="PluginInfo.UsedBy"/>) until a configuration no longer needs it.
/// </summary>
internal enum PluginState { Loaded, Failed, Removing }

/// <summary>
/// One plugin folder as <c>sluice plugins</c> lists it. <see cref="Error"/> is the reason of a Failed
/// plugin, for a Loaded one why its latest update was not taken (the previous version still runs), for a
/// Removing one why it is still there.
/// </summary>
internal sealed record PluginInfo(
    string Folder,
    PluginState State,
    PluginManifest? Manifest,
    string? Error,
    DateTimeOffset? LoadedAt)
{
    /// <summary>For <see cref="PluginState.Removing"/>: what still needs it, e.g. <c>notify pager at sluice.conf:12</c>.</summary>
    public IReadOnlyList<string> UsedBy { get; init; } = [];

    /// <summary>The manifest's name, or the folder's name when there is no valid manifest.</summary>
    public string Name => Manifest?.Name ?? System.IO.Path.GetFileName(Folder);

    public string? Version => Manifest?.Version;
}
