using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Sluice.Abstractions.Plugins;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>
/// Loads a plugin from its build folder the way the host does: plugin.json, one collectible
/// AssemblyLoadContext, the contracts (Sluice.Abstractions, Sluice.Media) and the framework shared
/// from the default context, everything else from the plugin's folder.
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
        if (name.Name is { } n && (n is "Sluice.Abstractions" or "Sluice.Media" || n.StartsWith("Microsoft.", StringComparison.Ordinal)))
            return null;
        var path = _resolver.ResolveAssemblyToPath(name);
        return path is null ? null : LoadFromAssemblyPath(path);
    }
}
