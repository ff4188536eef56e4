using System.Text.Json.Nodes;
using Sluice.Abstractions;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;
using Sluice.Plugins.Tests.Support;

namespace Sluice.Plugins.Tests;

/// <summary>A broken plugin is reported with its reason; the others load anyway.</summary>
public sealed class FailureIsolationTests : IDisposable
{
    private readonly PluginsFolder _folder = new();

    [Fact]
    public async Task A_corrupt_dll_and_a_plugin_throwing_in_Configure_fail_alone_with_their_reason()
    {
        var corrupt = _folder.Install("Hello", "corrupt");
        File.WriteAllBytes(Path.Combine(corrupt, "Sluice.TestPlugins.Hello.dll"), Garbage(4096));
        _folder.Install("Throwing");
        _folder.Install("JsonNew");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        var byFolder = manager.Plugins.ToDictionary(p => Path.GetFileName(p.Folder));
        Assert.Equal(PluginState.Failed, byFolder["corrupt"].State);
        Assert.StartsWith("Sluice.TestPlugins.Hello.dll is not a valid .NET assembly", byFolder["corrupt"].Error);
        Assert.Equal(PluginState.Failed, byFolder["Throwing"].State);
        Assert.Equal("Sluice.TestPlugins.Throwing.ThrowingPlugin.Configure failed: InvalidOperationException: Configure failed on purpose",
            byFolder["Throwing"].Error);
        Assert.Equal("1.0.0", byFolder["Throwing"].Version);
        Assert.Equal(PluginState.Loaded, byFolder["JsonNew"].State);
        Assert.Equal(["json-new"], manager.All<IEventSinkFactory>().Select(f => f.Name));
    }

    [Fact]
    public async Task A_plugin_whose_constructor_throws_fails_with_that_reason()
    {
        File.WriteAllText(Path.Combine(_folder.Install("Throwing"), "throw-in-constructor"), "");
        _folder.Install("Hello");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        Assert.Equal("the constructor of Sluice.TestPlugins.Throwing.ThrowingPlugin failed: InvalidOperationException: constructor failed on purpose",
            manager.Plugins.Single(p => p.State == PluginState.Failed).Error);
        Assert.Equal(["hello"], manager.All<IEventSinkFactory>().Select(f => f.Name));
    }

    [Fact]
    public async Task A_plugin_built_on_another_major_version_of_the_contracts_is_refused()
    {
        var folder = _folder.Install("Hello");
        SetManifest(folder, "abstractionsVersion", "1.0.0"); // a wave-1 plugin, built on Sluice.Abstractions 1.x
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        var plugin = manager.Plugins.Single();
        Assert.Equal(PluginState.Failed, plugin.State);
        Assert.Equal($"built against Sluice.Abstractions 1.0.0; this host provides {AbstractionsInfo.Version.Major}.x", plugin.Error);
        Assert.Equal("built against Sluice.Abstractions 1.0.0; this host provides 2.x", plugin.Error);
        Assert.Empty(manager.All<IEventSinkFactory>());
    }

    [Theory]
    [InlineData("1.0.0", null)]
    [InlineData("1.0.0-preview.3", null)]
    [InlineData("0.9.0", "built against Sluice.Abstractions 0.9.0; this host provides 1.x")]
    [InlineData("1.3.0", "built against Sluice.Abstractions 1.3.0; this host provides 1.2.0, which is older")]
    [InlineData("one", "\"abstractionsVersion\" \"one\" is not a version")]
    public void CheckAbstractionsVersion_Should_AcceptTheSameMajor_NotNewer(string declared, string? expected) =>
        Assert.Equal(expected, PluginManifestReader.CheckAbstractionsVersion(declared, new Version(1, 2, 0)));

    [Fact]
    public async Task A_missing_private_dependency_fails_the_plugin_and_names_the_dependency()
    {
        File.Delete(Path.Combine(_folder.Install("NativeLua"), "NLua.dll"));
        _folder.Install("Hello");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        var failed = manager.Plugins.Single(p => p.State == PluginState.Failed);
        Assert.Equal("Sluice.TestPlugins.NativeLua", failed.Name);
        Assert.StartsWith("Sluice.TestPlugins.NativeLua.NativeLuaPlugin.Configure failed: missing dependency NLua, Version=", failed.Error);
        Assert.Equal(PluginState.Loaded, manager.Plugins.Single(p => p.Name == "Sluice.TestPlugins.Hello").State);
    }

    [Fact]
    public async Task An_entry_assembly_without_an_ISluicePlugin_class_fails_with_that_reason()
    {
        SetManifest(_folder.Install("NativeLua"), "entryAssembly", "KeraLua.dll");
        await using var manager = _folder.CreateManager();

        await manager.LoadAllAsync();

        Assert.Equal("KeraLua has no public class implementing ISluicePlugin", manager.Plugins.Single().Error);
    }

    private static void SetManifest(string folder, string key, string value)
    {
        var path = Path.Combine(folder, "plugin.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json[key] = value;
        File.WriteAllText(path, json.ToJsonString());
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    public void Dispose() => _folder.Dispose();
}
