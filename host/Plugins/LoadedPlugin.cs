using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>
/// A plugin that is running: its context, its entry object and what it contributed. The manager
/// holds the only strong references to these; <see cref="Release"/> drops them before unload.
/// </summary>
internal sealed class LoadedPlugin(
    string folder, PluginManifest manifest, FolderStamp stamp, string shadowDirectory,
    PluginContext context, ISluicePlugin instance, ContributionSet contributions)
{
    public string Folder { get; } = folder;
    public PluginManifest Manifest { get; } = manifest;
    public FolderStamp Stamp { get; } = stamp;
    public string ShadowDirectory { get; } = shadowDirectory;
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    public PluginContext? Context { get; private set; } = context;
    public ISluicePlugin? Instance { get; private set; } = instance;
    /// <summary>Replaced by an empty set on release (never cleared: a reader may be enumerating it).</summary>
    public ContributionSet Contributions { get; private set; } = contributions;

    /// <summary>Set once its services were started, so they are stopped before unload.</summary>
    public bool ServicesStarted { get; set; }

    public string Describe() => $"plugin {Manifest.Name} {Manifest.Version}";

    /// <summary>Drops every reference into the plugin's context and unloads it; returns the context, weakly.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public WeakReference? Release()
    {
        Contributions = ContributionSet.Empty;
        Instance = null;
        var context = Context;
        Context = null;
        return context?.Unload();
    }
}
