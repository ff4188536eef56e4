using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using McMaster.NETCore.Plugins;
using Sluice.Abstractions.Plugins;

namespace Sluice.Testing;

/// <summary>
/// A plugin loaded from its folder the way the host loads it: <c>plugin.json</c> read, one collectible
/// McMaster.NETCore.Plugins context configured by <see cref="SharedAssemblyPolicy"/> (the assemblies the
/// folder carries and the policy does not share come from the folder, managed and native through its
/// <c>.deps.json</c>; everything else from the default context, so contract types unify).
/// <see cref="UnloadAndWaitAsync"/> proves the context was collected.
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
    public static PluginFolder Load(string folder, SharedAssemblyPolicy? policy = null)
    {
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        var manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(manifestPath))
                       ?? throw new InvalidDataException($"{manifestPath} is empty");
        var entry = Path.Combine(folder, manifest.EntryAssembly);
        var config = new PluginConfig(entry)
        {
            IsUnloadable = true,
            PreferSharedTypes = true,
            LoadInMemory = false,
            DefaultContext = AssemblyLoadContext.Default,
        };
        foreach (var name in (policy ?? SharedAssemblyPolicy.Default).PrivateAssembliesIn(folder)) config.PrivateAssemblies.Add(name);
        var loader = new PluginLoader(config);
        var context = loader.LoadContext;
        var assembly = loader.LoadDefaultAssembly();
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
}
