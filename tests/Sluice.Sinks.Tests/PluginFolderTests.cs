using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using Sluice.Abstractions.Configuration;
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
    public async Task A_javascript_plugin_swap_is_collected_after_its_scripts_called_into_dotnet()
    {
        // ClearScript loaded inside a collectible context pins it once a script calls .NET; the host shares
        // ClearScript (SharedAssemblyPolicy) and scripts only call a Func<> delegate, so each context unloads.
        var folder = PluginFolder.BuildFolderOf("Sluice.Sinks.JavaScript");
        Assert.False(File.Exists(Path.Combine(folder, "worker.js")), "no Node.js worker any more");
        await using var receiver = await HttpReceiver.StartAsync();
        await using var smtp = await SmtpServer.StartAsync();
        File.WriteAllText(_dir.File("hello.js"), """
            log.info('batch of', events.length);
            const { status } = http.post(args.url, json.encode({ n: events.length, media: events[0].media }));
            mail.send({ to: args.to, subject: `posted: ${status}`, body: events[0].media });
            """);
        ConfigDirective[] options = [Opt("to", "admin@my.cdn"), Opt("via", $"smtp://127.0.0.1:{smtp.Port}"), Opt("timeout", "20s")];

        var before = await RunScriptFromFolder(folder, "hello.js", receiver.BaseUrl + "/js", options);   // the old version
        var after = await RunScriptFromFolder(folder, "hello.js", receiver.BaseUrl + "/js", options);    // the new one it is swapped for

        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal("cam9", JsonDocument.Parse(r.Body).RootElement.GetProperty("media").GetString()));
        Assert.All(await smtp.WaitForMessagesAsync(2), m => Assert.Equal("posted: 200", m.Headers["Subject"]));
        Assert.Contains(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "ClearScript.V8");
        // This method may have resumed inline, under the finished frames of RunScriptFromFolder (which hold
        // the context in their locals): go on from a fresh stack before checking.
        await Task.Yield();
        AssertCollected(before);
        AssertCollected(after);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> RunScriptFromFolder(string folder, string script, string url, params ConfigDirective[] options)
    {
        var (context, _, plugin) = PluginFolder.Load(folder);
        var builder = new TestPluginBuilder();
        plugin.Configure(builder);
        var factory = Assert.Single(builder.SinkTypes);
        Assert.NotSame(typeof(IEventSinkFactory).Assembly, factory.GetType().Assembly);
        Assert.Equal(context, AssemblyLoadContext.GetLoadContext(factory.GetType().Assembly));
        await using (var sink = factory.Create(Context(script, _dir.Path, [Opt("url", url), .. options])))
            await sink.DeliverAsync(Batch(Event("source_closed", "cam9")), CancellationToken.None);
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name!.StartsWith("ClearScript", StringComparison.Ordinal));
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
