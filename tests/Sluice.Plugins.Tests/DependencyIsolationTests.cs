using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Microsoft.Extensions.Logging;
using Sluice.Host.Plugins;
using Sluice.Plugins.Tests.Support;

namespace Sluice.Plugins.Tests;

/// <summary>Private dependencies stay private: two plugins may carry two versions of the same library.</summary>
public sealed class DependencyIsolationTests : IDisposable
{
    private readonly PluginsFolder _folder = new();

    [Fact]
    public async Task Two_plugins_with_Newtonsoft_12_and_13_both_load_and_each_uses_its_own()
    {
        _folder.Install("JsonOld");
        _folder.Install("JsonNew");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        Assert.All(manager.Plugins, p => Assert.Equal(PluginState.Loaded, p.State));
        var factories = manager.All<IEventSinkFactory>().ToDictionary(f => f.Name);
        var (oldVersion, oldPath) = Split(factories["json-old"].SpecForms);
        var (newVersion, newPath) = Split(factories["json-new"].SpecForms);
        Assert.Equal("12.0.0.0", oldVersion);
        Assert.Equal("13.0.0.0", newVersion);
        // Each from its own shadow copy, neither from the host's folder.
        Assert.StartsWith(_folder.ShadowRoot, oldPath);
        Assert.StartsWith(_folder.ShadowRoot, newPath);
        Assert.NotEqual(Path.GetDirectoryName(oldPath), Path.GetDirectoryName(newPath));

        var ev = new SluiceEvent("stream_stopped", "7", 0, "srv", EventLevel.Info);
        foreach (var name in new[] { "json-old", "json-new" })
        {
            await using var sink = factories[name].Create(_folder.Services.SinkContext(name + "://"));
            await sink.DeliverAsync([ev], CancellationToken.None);
        }
        Assert.Equal(
            ["""{"json":"12.0.0.0","events":["stream_stopped"]}""", """{"json":"13.0.0.0","events":["stream_stopped"]}"""],
            _folder.Services.Delivered);
    }

    [Fact]
    public async Task A_plugin_loads_its_native_library_from_its_runtimes_folder()
    {
        _folder.Install("NativeLua");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        Assert.Equal(PluginState.Loaded, manager.Plugins.Single().State);
        var factory = manager.All<IEventSinkFactory>().Single();
        foreach (var script in (string[])["return 40 + 2", "return _VERSION"])
        {
            await using var sink = factory.Create(_folder.Services.SinkContext("native-lua://" + script));
            await sink.DeliverAsync([new SluiceEvent("x", "1", 0, "srv", EventLevel.Info)], CancellationToken.None);
        }
        Assert.Equal(["42", "Lua 5.4"], _folder.Services.Delivered);
    }

    [Fact]
    public async Task The_lua_sink_plugin_runs_a_script_on_the_liblua54_of_its_runtimes_folder_with_no_resolver_of_its_own()
    {
        var folder = _folder.InstallHostPlugin("Sluice.Sinks.Lua");
        Assert.True(File.Exists(Path.Combine(folder, "runtimes", "linux-x64", "native", "liblua54.so")));
        Assert.DoesNotContain(typeof(DependencyIsolationTests).Assembly.GetReferencedAssemblies(), a => a.Name == "KeraLua");
        var scripts = Directory.CreateTempSubdirectory("sluice-lua-").FullName;
        File.WriteAllText(Path.Combine(scripts, "count.lua"), "log.info(_VERSION .. ' got ' .. #events .. ' event(s): ' .. events[1].event)\n");
        await using var manager = _folder.CreateManager();
        await manager.LoadAllAsync();

        var factory = manager.All<IEventSinkFactory>().Single(f => f.Name == "lua");
        var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(factory.GetType().Assembly)!;
        Assert.True(context.IsCollectible);
        await using (var sink = factory.Create(new SinkContext
        {
            BlockName = "lua", Spec = "count.lua", Location = new("test.conf", 1, 1), ConfigDirectory = scripts,
            Logger = _folder.Logs.CreateLogger("lua"),
        }))
        {
            await sink.DeliverAsync([new SluiceEvent("stream_started", "1", 0, "srv", EventLevel.Info)], CancellationToken.None);
        }

        Assert.Contains(_folder.Logs.Lines, l => l.EndsWith("Lua 5.4 got 1 event(s): stream_started", StringComparison.Ordinal));
        // KeraLua (which imports liblua54) is the plugin's own, in the plugin's context.
        Assert.Contains("KeraLua", context.Assemblies.Select(a => a.GetName().Name));
        Directory.Delete(scripts, recursive: true);
    }

    [Fact]
    public async Task The_original_files_can_be_overwritten_while_the_plugin_is_loaded()
    {
        var folder = _folder.Install("JsonNew");
        await using var manager = _folder.CreateManager();
        await manager.LoadAllAsync();

        // Loaded from the shadow copy: the originals are free.
        File.WriteAllBytes(Path.Combine(folder, "Newtonsoft.Json.dll"), [1, 2, 3]);
        File.Delete(Path.Combine(folder, "Sluice.TestPlugins.JsonNew.dll"));

        await using var sink = manager.All<IEventSinkFactory>().Single().Create(_folder.Services.SinkContext("json-new://"));
        await sink.DeliverAsync([new SluiceEvent("x", "1", 0, "srv", EventLevel.Info)], CancellationToken.None);
        Assert.Single(_folder.Services.Delivered);
    }

    private static (string Version, string Path) Split(string specForms)
    {
        var parts = specForms.Split('|');
        return (parts[0], parts[1]);
    }

    public void Dispose() => _folder.Dispose();
}
