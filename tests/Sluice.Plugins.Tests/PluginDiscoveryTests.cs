using Microsoft.AspNetCore.Routing;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;
using Sluice.Plugins.Tests.Support;

namespace Sluice.Plugins.Tests;

public sealed class PluginDiscoveryTests : IDisposable
{
    private readonly PluginsFolder _folder = new();

    [Fact]
    public async Task LoadAllAsync_Should_LoadEveryPluginFolder_AndListItsManifest()
    {
        _folder.Install("Hello");
        _folder.Install("JsonNew");
        await using var manager = _folder.CreateManager();

        var outcomes = await manager.LoadAllAsync();

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Applied, o.Error));
        Assert.Equal(["Hello", "JsonNew"], manager.Plugins.Select(p => Path.GetFileName(p.Folder)));
        var hello = manager.Plugins[0];
        Assert.Equal(PluginState.Loaded, hello.State);
        Assert.Null(hello.Error);
        Assert.Equal("Sluice.TestPlugins.Hello", hello.Name);
        Assert.Equal("1.0.0", hello.Version);
        Assert.Equal("Test plugin: a sink type, a config section, routes and a service.", hello.Manifest!.Description);
        Assert.Equal("Sluice.TestPlugins.Hello.dll", hello.Manifest.EntryAssembly);
        Assert.Equal("2.0.0", hello.Manifest.AbstractionsVersion);
        Assert.Equal(Path.Combine(_folder.Path, "Hello"), hello.Folder);
        Assert.InRange(hello.LoadedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal("Sluice.TestPlugins.JsonNew", manager.Plugins[1].Name);
    }

    [Fact]
    public async Task All_Should_ListCoreContributionsFirst_ThenEachPluginsInLoadOrder()
    {
        _folder.Install("Hello", "a-hello");
        _folder.Install("JsonNew", "b-json");
        var core = new ContributionSet();
        var coreSink = new CoreSinkFactory();
        core.Add<IEventSinkFactory>(coreSink);
        await using var manager = _folder.CreateManager(core: core);

        await manager.LoadAllAsync();

        Assert.Equal(["core", "hello", "json-new"], manager.All<IEventSinkFactory>().Select(f => f.Name));
        Assert.Same(coreSink, manager.All<IEventSinkFactory>()[0]);
        Assert.Single(manager.All<IConfigSection>());
        Assert.Single(manager.All<Action<IEndpointRouteBuilder>>());
        Assert.Single(manager.All<IPluginService>());
        Assert.Empty(manager.All<IConfigurationListener>());
    }

    [Fact]
    public async Task A_folder_without_a_valid_manifest_is_listed_as_failed_with_its_reason()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "empty"));
        File.WriteAllText(Path.Combine(_folder.Install("Hello", "broken-json"), "plugin.json"), "{ \"name\": ");
        File.Delete(Path.Combine(_folder.Install("Hello", "no-entry"), "Sluice.TestPlugins.Hello.dll"));
        File.WriteAllText(Path.Combine(_folder.Install("Hello", "no-name"), "plugin.json"),
            """{ "version": "1.0.0", "entryAssembly": "Sluice.TestPlugins.Hello.dll", "abstractionsVersion": "1.0.0" }""");
        _folder.Install("Hello", "ok");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        var byFolder = manager.Plugins.ToDictionary(p => Path.GetFileName(p.Folder));
        Assert.Equal(PluginState.Loaded, byFolder["ok"].State);
        Assert.All(byFolder.Where(p => p.Key != "ok"), p => Assert.Equal(PluginState.Failed, p.Value.State));
        Assert.StartsWith("no plugin.json in ", byFolder["empty"].Error);
        Assert.Contains("invalid manifest", byFolder["broken-json"].Error);
        Assert.Contains("entry assembly Sluice.TestPlugins.Hello.dll not found", byFolder["no-entry"].Error);
        Assert.Contains("invalid manifest", byFolder["no-name"].Error);
        Assert.Contains("name", byFolder["no-name"].Error);
        Assert.Equal("Sluice.TestPlugins.Hello", byFolder["ok"].Name);
        Assert.Single(manager.All<IEventSinkFactory>());
    }

    [Fact]
    public async Task A_second_folder_with_an_already_loaded_plugin_name_is_refused()
    {
        _folder.Install("Hello", "first");
        _folder.Install("Hello", "second");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        Assert.Equal(PluginState.Loaded, manager.Plugins[0].State);
        Assert.Equal(PluginState.Failed, manager.Plugins[1].State);
        Assert.Equal($"a plugin named Sluice.TestPlugins.Hello is already loaded from {Path.Combine(_folder.Path, "first")}", manager.Plugins[1].Error);
        Assert.Single(manager.All<IEventSinkFactory>());
    }

    [Fact]
    public async Task The_plugins_listing_shows_each_folder_with_its_state_and_the_reason_of_a_failure()
    {
        _folder.Install("Hello");
        _folder.Install("Throwing");
        await using var manager = _folder.CreateManager();
        await manager.LoadAllAsync();
        var text = new StringWriter { NewLine = "\n" };

        PluginListing.Write(text, manager.Plugins, manager.PluginsDirectory);

        Assert.Equal(
            $"""
            NAME                         VERSION  STATE   FOLDER
            Sluice.TestPlugins.Hello     1.0.0    Loaded  {_folder.Path}/Hello
            Sluice.TestPlugins.Throwing  1.0.0    Failed  {_folder.Path}/Throwing
                                         Sluice.TestPlugins.Throwing.ThrowingPlugin.Configure failed: InvalidOperationException: Configure failed on purpose

            """, text.ToString());
    }

    [Fact]
    public void The_plugins_listing_shows_what_uses_each_plugin_and_why_a_removed_one_stays()
    {
        var log = new PluginInfo("/p/Sluice.Sinks.Log", PluginState.Removing, Manifest("Sluice.Sinks.Log"),
            "its folder was removed; in use by notify pager at /etc/sluice.conf:12; it keeps running and is unloaded once the configuration no longer uses it", null)
        { UsedBy = ["notify pager at /etc/sluice.conf:12"] };
        var http = new PluginInfo("/p/Sluice.Sinks.Http", PluginState.Loaded, Manifest("Sluice.Sinks.Http"), null, null);
        var idle = new PluginInfo("/p/Sluice.Sinks.Lua", PluginState.Loaded, Manifest("Sluice.Sinks.Lua"), null, null);
        var text = new StringWriter { NewLine = "\n" };

        PluginListing.Write(text, [log, http, idle], "/p",
            p => p == http ? ["notify hooks at /etc/sluice.conf:20", "notify audit at /etc/sluice.conf:30"] : []);

        Assert.Equal(
            """
            NAME               VERSION  STATE     FOLDER
            Sluice.Sinks.Log   0.1.0    Removing  /p/Sluice.Sinks.Log
                               its folder was removed; in use by notify pager at /etc/sluice.conf:12; it keeps running and is unloaded once the configuration no longer uses it
            Sluice.Sinks.Http  0.1.0    Loaded    /p/Sluice.Sinks.Http
                               used by notify hooks at /etc/sluice.conf:20, notify audit at /etc/sluice.conf:30
            Sluice.Sinks.Lua   0.1.0    Loaded    /p/Sluice.Sinks.Lua

            """, text.ToString());
    }

    private static PluginManifest Manifest(string name) =>
        new() { Name = name, Version = "0.1.0", EntryAssembly = name + ".dll", AbstractionsVersion = "1.0.0" };

    [Fact]
    public async Task LoadAllAsync_Should_ListNothing_When_PluginsDirDoesNotExist()
    {
        var options = _folder.Options();
        await using var manager = new PluginManager(
            new PluginHostOptions { PluginsDirectory = Path.Combine(_folder.Path, "missing"), ShadowRoot = options.ShadowRoot },
            _folder.Services, _folder.Logs);

        var outcomes = await manager.LoadAllAsync();

        Assert.Empty(outcomes);
        Assert.Empty(manager.Plugins);
        var text = new StringWriter();
        PluginListing.Write(text, manager.Plugins, manager.PluginsDirectory);
        Assert.Equal($"no plugins in {Path.Combine(_folder.Path, "missing")}", text.ToString().TrimEnd());
    }

    public void Dispose() => _folder.Dispose();

    private sealed class CoreSinkFactory : IEventSinkFactory
    {
        public string Name => "core";
        public string SpecForms => "core://";
        public bool Claims(string spec) => spec.StartsWith("core://", StringComparison.Ordinal);
        public void Validate(SinkContext context) { }
        public IEventSink Create(SinkContext context) => throw new InvalidOperationException("not used by these tests");
    }
}
