using System.Reflection;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using McMasterLoader = McMaster.NETCore.Plugins.PluginLoader;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>
/// One plugin's collectible load context, made by McMaster.NETCore.Plugins (its load context resolves
/// managed and native dependencies through the plugin's <c>.deps.json</c>, native libraries from its
/// <c>runtimes/</c>) and configured by the <see cref="SharedAssemblyPolicy"/>: every assembly is first
/// asked of the host's default context except the ones the plugin carries and the policy does not
/// share, which come from the plugin's folder. Assemblies load from the (shadow-copied) files, not
/// from memory, so a plugin's <c>Assembly.Location</c> is its folder and it finds the files beside it.
/// </summary>
internal sealed class PluginContext
{
    private McMasterLoader? _loader;

    private PluginContext(McMasterLoader loader) => _loader = loader;

    public static PluginContext Create(string entryAssemblyPath, SharedAssemblyPolicy policy)
    {
        var config = new PluginConfig(entryAssemblyPath)
        {
            IsUnloadable = true,
            PreferSharedTypes = true,   // the default context first, unless private below
            LoadInMemory = false,
            DefaultContext = AssemblyLoadContext.Default,
        };
        foreach (var name in policy.PrivateAssembliesIn(Path.GetDirectoryName(entryAssemblyPath)!)) config.PrivateAssemblies.Add(name);
        return new PluginContext(new McMasterLoader(config));
    }

    public AssemblyLoadContext? LoadContext => _loader?.LoadContext;

    public Assembly LoadEntryAssembly() =>
        (_loader ?? throw new ObjectDisposedException(nameof(PluginContext))).LoadDefaultAssembly();

    /// <summary>Unloads the context and drops it; returns it weakly, to prove it gets collected.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public WeakReference? Unload()
    {
        var loader = Interlocked.Exchange(ref _loader, null);
        if (loader is null) return null;
        var weak = new WeakReference(loader.LoadContext);
        loader.Dispose();
        return weak;
    }
}
