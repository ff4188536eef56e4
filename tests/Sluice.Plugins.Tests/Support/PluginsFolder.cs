using Microsoft.Extensions.Logging;
using Sluice.Host.Plugins;

namespace Sluice.Plugins.Tests.Support;

/// <summary>
/// A private plugins_dir (and shadow root) for one test, filled from the test plugins the build put in
/// <c>testplugins/</c>; deleted afterwards.
/// </summary>
internal sealed class PluginsFolder : IDisposable
{
    private readonly string _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sluice-plugins-tests", Guid.NewGuid().ToString("N"));

    public PluginsFolder()
    {
        Directory.CreateDirectory(Path);
    }

    public string Path => System.IO.Path.Combine(_root, "plugins");

    public string ShadowRoot => System.IO.Path.Combine(_root, "shadow");

    public TestServices Services { get; } = new();

    public ListLoggerFactory Logs { get; } = new();

    /// <summary>The build output of test plugin <paramref name="name"/> (e.g. <c>Hello</c>, <c>SwapSink.v2</c>).</summary>
    public static string Built(string name) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "testplugins", "Sluice.TestPlugins." + name);

    /// <summary>
    /// The folder the host's build gives one of the repository's plugins (<c>host/bin/CONFIG/net10.0/plugins/NAME</c>):
    /// this project references the host, whose build copies every plugin there.
    /// </summary>
    public static string HostPlugin(string name)
    {
        var configuration = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar)))!;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Plugins.sln")))
                return System.IO.Path.Combine(dir.FullName, "host", "bin", configuration, "net10.0", "plugins", name);
        }
        throw new DirectoryNotFoundException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Copies the host's build of plugin <paramref name="name"/> (e.g. <c>Sluice.Sinks.Lua</c>) into plugins_dir.</summary>
    public string InstallHostPlugin(string name)
    {
        var target = System.IO.Path.Combine(Path, name);
        CopyOver(HostPlugin(name), target);
        return target;
    }

    /// <summary>Copies test plugin <paramref name="name"/> into plugins_dir/<paramref name="folder"/>.</summary>
    public string Install(string name, string? folder = null)
    {
        var target = System.IO.Path.Combine(Path, folder ?? name);
        CopyOver(Built(name), target);
        return target;
    }

    /// <summary>Copies every file of <paramref name="source"/> over <paramref name="target"/>, in place.</summary>
    public static void CopyOver(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    public PluginManager CreateManager(
        Func<PluginSetChange, CancellationToken, Task>? onChange = null, ContributionSet? core = null) =>
        new(Options(), Services, Logs, onChange, core);

    public PluginHostOptions Options() => new()
    {
        PluginsDirectory = Path,
        ShadowRoot = ShadowRoot,
        Debounce = TimeSpan.FromMilliseconds(200),
        SettleTime = TimeSpan.FromMilliseconds(100),
        RescanInterval = TimeSpan.FromSeconds(1),
        CollectTimeout = TimeSpan.FromSeconds(10),
        StopTimeout = TimeSpan.FromSeconds(5),
    };

    public void Dispose()
    {
        Logs.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
