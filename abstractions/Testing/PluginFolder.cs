using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using Sluice.Abstractions.Plugins;

namespace Sluice.Testing;

/// <summary>
/// A plugin loaded from its folder the way the host loads it: <c>plugin.json</c> read, one collectible
/// <see cref="AssemblyLoadContext"/>, the assemblies of <see cref="SharedAssemblies"/> from the default
/// context (so types unify), everything else, managed and native, from the folder through its
/// <c>.deps.json</c>. <see cref="UnloadAndWaitAsync"/> proves the context was collected.
/// </summary>
public sealed class PluginFolder
{
    private WeakReference? _context;
    private ISluicePlugin? _plugin;

    private PluginFolder(string folder, PluginManifest manifest, WeakReference context, ISluicePlugin plugin)
    {
        Folder = folder;
        Manifest = manifest;
        _context = context;
        _plugin = plugin;
    }

    public string Folder { get; }

    public PluginManifest Manifest { get; }

    /// <summary>The plugin's entry object (null after unload).</summary>
    public ISluicePlugin Plugin => _plugin ?? throw new InvalidOperationException("the plugin was unloaded");

    /// <summary>Loads the plugin in <paramref name="folder"/> (its build or publish output).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static PluginFolder Load(string folder)
    {
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        var manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(manifestPath))
                       ?? throw new InvalidDataException($"{manifestPath} is empty");
        var entry = Path.Combine(folder, manifest.EntryAssembly);
        var context = new FolderContext(entry);
        var assembly = context.LoadFromAssemblyPath(entry);
        var type = assembly.GetExportedTypes().SingleOrDefault(t => typeof(ISluicePlugin).IsAssignableFrom(t) && !t.IsAbstract)
                   ?? throw new InvalidOperationException($"{manifest.EntryAssembly} has no public ISluicePlugin class");
        return new PluginFolder(folder, manifest, new WeakReference(context), (ISluicePlugin)Activator.CreateInstance(type)!);
    }

    /// <summary>Loads the plugin and lets it register what it contributes with a fresh <see cref="TestPluginBuilder"/>.</summary>
    public TestPluginBuilder Configure(TestPluginBuilder? builder = null)
    {
        builder ??= new TestPluginBuilder(Manifest);
        Plugin.Configure(builder);
        return builder;
    }

    /// <summary>
    /// Unloads the context and collects until it is gone: true when it was collected within
    /// <paramref name="timeout"/> (10 s by default). Drop every reference to the plugin's objects first.
    /// </summary>
    public async Task<bool> UnloadAndWaitAsync(TimeSpan? timeout = null)
    {
        _plugin = null;
        Unload();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (_context is { IsAlive: true })
        {
            if (DateTime.UtcNow > deadline) return false;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Yield();
        }
        return true;
    }

    /// <summary>True when <paramref name="type"/> was loaded from this plugin's folder (not shared from the host).</summary>
    public bool Owns(Type type) => _context?.Target is AssemblyLoadContext context && AssemblyLoadContext.GetLoadContext(type.Assembly) == context;

    /// <summary>
    /// The load context, the manifest and the plugin, for tests that unload by hand
    /// (<c>var (context, manifest, plugin) = PluginFolder.Load(folder);</c>).
    /// </summary>
    public void Deconstruct(out AssemblyLoadContext context, out PluginManifest manifest, out ISluicePlugin plugin)
    {
        context = _context?.Target as AssemblyLoadContext ?? throw new InvalidOperationException("the plugin was unloaded");
        manifest = Manifest;
        plugin = Plugin;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Unload()
    {
        if (_context?.Target is AssemblyLoadContext context) context.Unload();
    }

    /// <summary>
    /// The build folder of a project under a repository's <c>plugins/</c> folder, for the configuration the
    /// calling tests were built in (found by walking up from the test binaries).
    /// </summary>
    public static string BuildFolderOf(string pluginName)
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var dir = new DirectoryInfo(testBin);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "plugins", pluginName))) dir = dir.Parent;
        if (dir is null) throw new DirectoryNotFoundException($"plugins/{pluginName} not found above {testBin}");
        return Path.Combine(dir.FullName, "plugins", pluginName, "bin", configuration, "net10.0");
    }

    private sealed class FolderContext : AssemblyLoadContext
    {
        private readonly AssemblyDependencyResolver _resolver;
        private readonly string _folder;

        public FolderContext(string entryPath) : base($"plugin:{Path.GetFileName(entryPath)}", isCollectible: true)
        {
            _resolver = new AssemblyDependencyResolver(entryPath);
            _folder = Path.GetDirectoryName(entryPath)!;
        }

        protected override Assembly? Load(AssemblyName name)
        {
            if (SharedAssemblies.IsShared(name))
            {
                try
                {
                    return Default.LoadFromAssemblyName(name);
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException)
                {
                    // The host (here: the test process) lacks it: the plugin's own copy is used, as in the host.
                }
            }
            var path = _resolver.ResolveAssemblyToPath(name);
            if (path is null && File.Exists(Path.Combine(_folder, name.Name + ".dll"))) path = Path.Combine(_folder, name.Name + ".dll");
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
        }
    }
}
