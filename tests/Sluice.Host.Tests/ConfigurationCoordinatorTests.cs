using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;

namespace Sluice.Host.Tests;

/// <summary>
/// The one path that applies configuration, on the real composition (router, registry, listeners) with a collecting
/// sink type and one whose sinks cannot be created: all or nothing, config_reloaded only for what applied, a plugin
/// change binds the configuration in force again instead of re-reading its files.
/// </summary>
public sealed class ConfigurationCoordinatorTests : IAsyncDisposable
{
    private readonly TempFolder _dir = new();
    private readonly CollectingSinkFactory _collect = new();
    private readonly HostCore _core;
    private int _applied;

    public ConfigurationCoordinatorTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "plugins"));
        _core = HostCore.Create(new ConfigSource(ConfigPath), NullLoggerFactory.Instance);
        var core = _core.Services.GetService(typeof(PluginContributions)) as PluginContributions;
        core!.Core.Add<IEventSinkFactory>(_collect);
        core.Core.Add<IEventSinkFactory>(new UncreatableSinkFactory());
        _core.Coordinator.ConfigurationApplied += () => Interlocked.Increment(ref _applied);
    }

    private string ConfigPath => Path.Combine(_dir.Path, "sluice.conf");

    private void Write(string text) => File.WriteAllText(ConfigPath, $"plugins_dir {Path.Combine(_dir.Path, "plugins")};\n" + text);

    public async ValueTask DisposeAsync()
    {
        await _core.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_reload_whose_sink_cannot_be_created_changes_nothing_and_says_which_component_failed()
    {
        Write("notify all { sink collect://all; }\nnotify a { sink collect://a; only media=one; }\n");
        Assert.True((await _core.Coordinator.StartAsync(CancellationToken.None)).Applied);
        Assert.Equal(1, _applied);

        Write("notify all { sink collect://all; }\nnotify a { sink collect://a; only media=two; }\nnotify b { sink broken://b; }\n");
        var refused = await _core.Coordinator.ReloadAsync(CancellationToken.None);

        Assert.False(refused.Applied);
        Assert.True(refused.Load.Succeeded);   // the file is valid: a component could not be built
        Assert.Equal(["notify b: creating sink 'broken://b' failed: this sink cannot be created"], refused.Errors);
        Assert.Equal(["all", "a"], _core.Router.Stats().Select(s => s.Name));
        Assert.Equal(1, _applied);
        // Block a still has its old filter and its old sink; the new sink of a was built and thrown away.
        var sinksOfA = _collect.Created.Where(s => s.Spec == "collect://a").ToArray();
        Assert.Equal((2, false, true), (sinksOfA.Length, sinksOfA[0].Disposed, sinksOfA[1].Disposed));
        _core.Router.Emit(new EventDraft("stream_started") { Media = "one" });
        var delivered = await sinksOfA[0].WaitForAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal("one", delivered[0].Media);
        Assert.DoesNotContain(_collect.Sink("collect://all").Events, e => e.Name == "config_reloaded");

        Write("notify all { sink collect://all; }\nnotify a { sink collect://a; only media=two; }\n");
        var applied = await _core.Coordinator.ReloadAsync(CancellationToken.None);
        Assert.True(applied.Applied, string.Join("; ", applied.Errors));
        Assert.Equal(2, _applied);
        var seen = await _collect.Sink("collect://all").WaitForAsync(2);   // stream_started, then config_reloaded
        Assert.Equal(["stream_started", "config_reloaded"], seen.Select(e => e.Name));
        Assert.Equal(ConfigPath, seen[1]["path"].AsString);
    }

    [Fact]
    public async Task A_plugin_change_re_applies_the_configuration_in_force_not_the_files_as_they_are_now()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "blocks.conf"), "notify a { sink collect://a; }\n");
        Write("include blocks.conf;\n");
        Assert.True((await _core.Coordinator.StartAsync(CancellationToken.None)).Applied);

        // Edited, never checked: not what a plugin change applies.
        File.WriteAllText(Path.Combine(_dir.Path, "blocks.conf"), "notify zzz { sink collect://zzz; }\n");
        IPluginSetHost host = _core.Coordinator;
        await host.ApplyAsync(new PluginSetChange(PluginChangeKind.Added, Path.Combine(_dir.Path, "plugins", "x"), null, null), CancellationToken.None);

        Assert.Equal(["a"], _core.Router.Stats().Select(s => s.Name));
        Assert.Equal(2, _applied);
    }

    [Fact]
    public async Task A_start_whose_sink_cannot_be_created_applies_nothing()
    {
        Write("notify a { sink collect://a; }\nnotify b { sink broken://b; }\n");
        var result = await _core.Coordinator.StartAsync(CancellationToken.None);
        Assert.False(result.Applied);
        Assert.Empty(_core.Router.Stats());
        Assert.False(_core.Configuration.HasValue);
        Assert.Equal(0, _applied);
    }

    /// <summary><c>broken://NAME</c>: validates, but creating its sink fails (a plugin whose resource is gone).</summary>
    private sealed class UncreatableSinkFactory : IEventSinkFactory
    {
        public string Name => "broken";
        public string SpecForms => "broken://NAME";
        public bool Claims(string spec) => spec.StartsWith("broken://", StringComparison.Ordinal);
        public void Validate(SinkContext context) { }
        public IEventSink Create(SinkContext context) => throw new InvalidOperationException("this sink cannot be created");
        public TimeSpan DeliveryTimeout(SinkContext context) => SinkDefaults.DeliveryTimeout;
    }
}
