using System.Reflection;
using System.Runtime.Loader;

namespace Sluice.Host.Plugins;

/// <summary>
/// One collectible context per loaded plugin (after DotNetCorePlugins' ManagedLoadContext): shared
/// assemblies come from the host's default context when it has them, everything else from the
/// plugin's (shadow-copied) folder through its <c>.deps.json</c>, native libraries likewise.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _folder;

    public PluginLoadContext(string name, string entryAssemblyPath) : base(name, isCollectible: true)
    {
        _resolver = new AssemblyDependencyResolver(entryAssemblyPath);
        _folder = Path.GetDirectoryName(entryAssemblyPath)!;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (SharedAssemblyPolicy.IsShared(assemblyName) && TryLoadFromHost(assemblyName) is { } shared) return shared;

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            // No .deps.json entry (e.g. a hand-copied dll): look beside the entry assembly.
            var candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
            if (File.Exists(candidate)) path = candidate;
        }
        // Null lets the default context try: a framework assembly the policy did not list still loads.
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    private static Assembly? TryLoadFromHost(AssemblyName name)
    {
        try
        {
            return Default.LoadFromAssemblyName(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException)
        {
            // The host lacks it, or only has an older version: the plugin's own copy is used.
            return null;
        }
    }
}
