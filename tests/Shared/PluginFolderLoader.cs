using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Sluice.Abstractions.Plugins;

namespace Sluice.Tests.Shared;

/// <summary>
/// Loads a plugin from its build folder the way the host does: read plugin.json, one collectible
/// AssemblyLoadContext, the contracts (Sluice.Abstractions, Sluice.Media) and Microsoft's shared
/// assemblies from the default context, everything else (managed and native) from the plugin's own folder.
/// Linked into the test projects of the plugins (tests/Shared has no project of its own).
/// </summary>
internal sealed class PluginFolderLoader : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    private PluginFolderLoader(string entryPath) : base($"plugin:{Path.GetFileName(entryPath)}", isCollectible: true) =>
        _resolver = new AssemblyDependencyResolver(entryPath);

    public static (PluginFolderLoader Context, PluginManifest Manifest, ISluicePlugin Plugin) Load(string folder)
    {
        var manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(Path.Combine(folder, PluginManifest.FileName)))!;
        var entry = Path.Combine(folder, manifest.EntryAssembly);
        var context = new PluginFolderLoader(entry);
        var assembly = context.LoadFromAssemblyPath(entry);
        var type = assembly.GetExportedTypes().Single(t => typeof(ISluicePlugin).IsAssignableFrom(t) && !t.IsAbstract);
        return (context, manifest, (ISluicePlugin)Activator.CreateInstance(type)!);
    }

    /// <summary>The build folder of a plugin of this repository, for the configuration the tests were built in.</summary>
    public static string BuildFolder(string pluginName)
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var dir = new DirectoryInfo(testBin);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "plugins", pluginName))) dir = dir.Parent;
        if (dir is null) throw new DirectoryNotFoundException($"plugins/{pluginName} not found above {testBin}");
        return Path.Combine(dir.FullName, "plugins", pluginName, "bin", configuration, "net10.0");
    }

    protected override Assembly? Load(AssemblyName name)
    {
        // The contracts and the framework come from the host so types unify; ClearScript too, as in the host's
        // SharedAssemblyPolicy (a context that loads ClearScript itself is never collected).
        if (name.Name is { } n && (n is "Sluice.Abstractions" or "Sluice.Media" || n.StartsWith("Microsoft.", StringComparison.Ordinal)
                || n.StartsWith("ClearScript.", StringComparison.Ordinal)))
            return null;
        var path = _resolver.ResolveAssemblyToPath(name);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
