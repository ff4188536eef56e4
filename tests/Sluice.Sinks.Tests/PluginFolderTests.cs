using System.Runtime.CompilerServices;
using System.Text.Json;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

/// <summary>The built plugin folders are complete: each loads alone in a collectible context and works.</summary>
public sealed class PluginFolderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("Sluice.Sinks.Http", "http")]
    [InlineData("Sluice.Sinks.Log", "log")]
    [InlineData("Sluice.Sinks.Lua", "lua")]
    [InlineData("Sluice.Sinks.JavaScript", "javascript")]
    [InlineData("Sluice.Sinks.Email", "email")]
    public void Each_plugin_folder_has_a_manifest_and_no_copy_of_the_contracts(string plugin, string sinkType)
    {
        var folder = PluginFolder.BuildFolderOf(plugin);
        var manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(Path.Combine(folder, "plugin.json")))!;
        Assert.Equal(plugin, manifest.Name);
        Assert.Equal(plugin + ".dll", manifest.EntryAssembly);
        Assert.False(string.IsNullOrWhiteSpace(manifest.Description));
        Assert.False(File.Exists(Path.Combine(folder, "Sluice.Abstractions.dll")));
        var weak = LoadAndCheckName(folder, sinkType);
        AssertCollected(weak);
    }

    [Fact]
    public async Task The_lua_plugin_runs_a_script_from_its_own_folder_with_its_native_library_and_unloads()
    {
        var folder = PluginFolder.BuildFolderOf("Sluice.Sinks.Lua");
        Assert.True(File.Exists(Path.Combine(folder, "runtimes", "linux-x64", "native", "liblua54.so")));
        await using var receiver = await HttpReceiver.StartAsync();
        File.WriteAllText(_dir.File("hello.lua"), "http.post(args.url, json.encode({ n = #events, media = events[1].media }))\n");

        var weak = await RunScriptFromFolder(folder, "hello.lua", receiver.BaseUrl + "/lua");

        var request = Assert.Single(receiver.Requests);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal("cam9", doc.RootElement.GetProperty("media").GetString());
        AssertCollected(weak);
    }

    [Fact]
    public async Task The_javascript_plugin_finds_its_worker_in_its_own_folder()
    {
        var folder = PluginFolder.BuildFolderOf("Sluice.Sinks.JavaScript");
        Assert.True(File.Exists(Path.Combine(folder, "worker.js")));
        await using var receiver = await HttpReceiver.StartAsync();
        File.WriteAllText(_dir.File("hello.js"), "await http.post(args.url, json.encode({ n: events.length, media: events[0].media }));\n");

        var weak = await RunScriptFromFolder(folder, "hello.js", receiver.BaseUrl + "/js");

        var request = Assert.Single(receiver.Requests);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal("cam9", doc.RootElement.GetProperty("media").GetString());
        AssertCollected(weak);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> RunScriptFromFolder(string folder, string script, string url)
    {
        var (context, _, plugin) = PluginFolder.Load(folder);
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        var factory = Assert.Single(builder.SinkTypes);
        Assert.NotSame(typeof(IEventSinkFactory).Assembly, factory.GetType().Assembly);
        Assert.Equal(context, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(factory.GetType().Assembly));
        await using (var sink = factory.Create(Context(script, _dir.Path, [Opt("url", url)])))
            await sink.DeliverAsync(Batch(Event("source_closed", "cam9")), CancellationToken.None);
        context.Unload();
        return new WeakReference(context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndCheckName(string folder, string sinkType)
    {
        var (context, _, plugin) = PluginFolder.Load(folder);
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        Assert.Equal(sinkType, Assert.Single(builder.SinkTypes).Name);
        context.Unload();
        return new WeakReference(context);
    }

    private static void AssertCollected(WeakReference weak)
    {
        for (var i = 0; weak.IsAlive && i < 20; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(20);
        }
        Assert.False(weak.IsAlive, "the plugin's load context was not collected after Unload");
    }
}
