using Sluice.Abstractions.Sinks;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;
using Sluice.Plugins.Tests.Support;

namespace Sluice.Plugins.Tests;

/// <summary>
/// A plugin folder removed while the configuration in force uses the plugin: the removal waits (the
/// plugin keeps running, listed Removing with what uses it) until a configuration no longer needs it.
/// </summary>
public sealed class PluginRemovalTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly PluginsFolder _folder = new();
    private volatile string[] _users = [];
    private int _checks;

    [Fact]
    public async Task Removing_a_plugin_in_use_waits_listed_with_its_users_and_goes_once_the_configuration_no_longer_needs_it()
    {
        var folder = _folder.Install("SwapSink");
        var changes = new List<string>();
        await using var manager = CreateManager(changes);
        await manager.LoadAllAsync();
        var shadow = Assert.Single(Directory.GetDirectories(_folder.ShadowRoot));
        _users = ["notify pager at sluice.conf:12"];

        Directory.Delete(folder, recursive: true);
        var held = Assert.Single(await manager.RescanAsync());

        Assert.False(held.Applied);
        Assert.Equal("in use by notify pager at sluice.conf:12", held.Error);
        Assert.Empty(changes);   // the host was not asked to re-apply: nothing changed for it
        var plugin = manager.Plugins.Single();
        Assert.Equal(PluginState.Removing, plugin.State);
        Assert.Equal(["notify pager at sluice.conf:12"], plugin.UsedBy);
        Assert.Equal("its folder was removed; in use by notify pager at sluice.conf:12; it keeps running and is unloaded once the configuration no longer uses it", plugin.Error);
        Assert.Equal(["swap"], manager.All<IEventSinkFactory>().Select(f => f.Name));   // still working
        Assert.True(Directory.Exists(shadow));
        Assert.Contains($"Warning: plugin Sluice.TestPlugins.SwapSink 1.0.0: its folder {folder} was removed, but it is in use by notify pager at sluice.conf:12; it keeps running until a configuration without that is applied", _folder.Logs.Lines);

        var checks = Volatile.Read(ref _checks);
        Assert.Empty(await manager.RescanAsync());   // a periodic rescan does not try again, nor report again
        Assert.Equal(checks, Volatile.Read(ref _checks));
        Assert.Empty(await manager.ReleaseUnusedAsync());   // the configuration still needs it: nothing new to report
        Assert.Equal(PluginState.Removing, manager.Plugins.Single().State);

        _users = [];   // a configuration without the block was applied
        var removed = Assert.Single(await manager.ReleaseUnusedAsync());

        Assert.True(removed.Applied, removed.Error);
        Assert.Equal("plugin Sluice.TestPlugins.SwapSink 1.0.0 removed", removed.Change.ToString());
        Assert.True(removed.OldCollected, "the removed plugin's context is collected");
        Assert.Equal(["plugin Sluice.TestPlugins.SwapSink 1.0.0 removed"], changes);
        Assert.Empty(manager.Plugins);
        Assert.Empty(manager.All<IEventSinkFactory>());
        Assert.False(Directory.Exists(shadow), "its shadow copy is deleted");
    }

    [Fact]
    public async Task A_waiting_removal_is_checked_again_in_the_background_when_the_host_applies_a_configuration()
    {
        var folder = _folder.Install("SwapSink");
        await using var manager = CreateManager([]);
        await manager.LoadAllAsync();
        _users = ["stream cam at sluice.conf:3"];
        Directory.Delete(folder, recursive: true);
        await manager.RescanAsync();
        var removed = WaitForChange(manager, PluginChangeKind.Removed, applied: true);

        _users = [];
        manager.ConfigurationChanged();

        var outcome = await removed.WaitAsync(Bound);
        Assert.True(outcome.OldCollected);
        Assert.Empty(manager.Plugins);
    }

    [Fact]
    public async Task A_folder_put_back_unchanged_cancels_the_removal_and_keeps_the_same_plugin_and_shadow_copy()
    {
        var folder = _folder.Install("SwapSink");
        await using var manager = CreateManager([]);
        await manager.LoadAllAsync();
        var shadow = Assert.Single(Directory.GetDirectories(_folder.ShadowRoot));
        var factory = manager.All<IEventSinkFactory>().Single();
        var stash = Path.Combine(Path.GetDirectoryName(_folder.Path)!, "SwapSink.away");   // outside plugins_dir
        _users = ["notify pager at sluice.conf:12"];

        Directory.Move(folder, stash);
        await manager.RescanAsync();
        Assert.Equal(PluginState.Removing, manager.Plugins.Single().State);
        Directory.Move(stash, folder);   // the same files (same sizes and times) are back
        Assert.Empty(await manager.RescanAsync());

        var plugin = manager.Plugins.Single();
        Assert.Equal((PluginState.Loaded, (string?)null), (plugin.State, plugin.Error));
        Assert.Empty(plugin.UsedBy);
        Assert.Same(factory, manager.All<IEventSinkFactory>().Single());
        Assert.Equal([shadow], Directory.GetDirectories(_folder.ShadowRoot));
        _users = [];
        Assert.Empty(await manager.ReleaseUnusedAsync());   // nothing waits any more
        Assert.Single(manager.Plugins);
    }

    [Fact]
    public async Task A_folder_put_back_with_a_new_version_replaces_the_waiting_one_and_its_shadow_copy_goes()
    {
        var folder = _folder.Install("SwapSink");
        await using var manager = CreateManager([]);
        await manager.LoadAllAsync();
        var oldShadow = Assert.Single(Directory.GetDirectories(_folder.ShadowRoot));
        _users = ["notify pager at sluice.conf:12"];
        Directory.Delete(folder, recursive: true);
        await manager.RescanAsync();

        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), folder);
        var replaced = Assert.Single(await manager.RescanAsync());

        Assert.True(replaced.Applied, replaced.Error);
        Assert.Equal("plugin Sluice.TestPlugins.SwapSink 1.0.0 replaced by 2.0.0", replaced.Change.ToString());
        Assert.True(replaced.OldCollected);
        var plugin = manager.Plugins.Single();
        Assert.Equal((PluginState.Loaded, "2.0.0"), (plugin.State, plugin.Version));
        Assert.Equal("swap:// (v2)", manager.All<IEventSinkFactory>().Single().SpecForms);
        var shadows = Directory.GetDirectories(_folder.ShadowRoot);
        Assert.DoesNotContain(oldShadow, shadows);
        Assert.Single(shadows);
    }

    [Fact]
    public async Task A_plugin_nothing_uses_goes_at_once()
    {
        var folder = _folder.Install("SwapSink");
        var changes = new List<string>();
        await using var manager = CreateManager(changes);
        await manager.LoadAllAsync();

        Directory.Delete(folder, recursive: true);
        var removed = Assert.Single(await manager.RescanAsync());

        Assert.True(removed.Applied, removed.Error);
        Assert.True(removed.OldCollected);
        Assert.Equal(["plugin Sluice.TestPlugins.SwapSink 1.0.0 removed"], changes);
        Assert.Empty(Directory.GetDirectories(_folder.ShadowRoot));
    }

    [Fact]
    public async Task The_users_of_a_plugin_are_the_blocks_of_the_configuration_that_do_not_validate_without_it()
    {
        _folder.Install("Hello");
        _folder.InstallHostPlugin("Sluice.Sources.File");
        var dir = Path.GetDirectoryName(_folder.Path)!;
        var conf = Path.Combine(dir, "sluice.conf");
        File.WriteAllText(conf, $$"""
            plugins_dir {{_folder.Path}};
            hello_greeting hi;

            notify pager {
              sink hello://pager;
            }

            stream cam {
              input file://cam.ts;
            }
            """);
        await using var core = HostCore.Create(new ConfigSource(conf), _folder.Logs);
        await core.Plugins.LoadAllAsync();
        var loaded = core.Load(File.ReadAllText(conf));
        Assert.True(loaded.Succeeded, loaded.Format());
        Assert.Empty(core.Plugins.UsersOf(Path.Combine(_folder.Path, "Hello")));   // no configuration in force yet

        core.Configuration.Set(loaded.Configuration!);

        Assert.Equal([$"hello_greeting at {conf}:2", $"notify pager at {conf}:4"], core.Plugins.UsersOf(Path.Combine(_folder.Path, "Hello")));
        Assert.Equal([$"stream cam at {conf}:8"], core.Plugins.UsersOf(Path.Combine(_folder.Path, "Sluice.Sources.File")));
        Assert.Empty(core.Plugins.UsersOf(Path.Combine(_folder.Path, "missing")));
    }

    private PluginManager CreateManager(List<string> changes) => new(
        _folder.Options(), _folder.Services, _folder.Logs,
        onChange: (change, _) =>
        {
            lock (changes) changes.Add(change.ToString());
            return Task.CompletedTask;
        },
        users: _ =>
        {
            Interlocked.Increment(ref _checks);
            return _users;
        });

    private static Task<PluginChangeOutcome> WaitForChange(PluginManager manager, PluginChangeKind kind, bool applied)
    {
        var done = new TaskCompletionSource<PluginChangeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.ChangeCompleted += outcome =>
        {
            if (outcome.Change.Kind == kind && outcome.Applied == applied) done.TrySetResult(outcome);
        };
        return done.Task;
    }

    public void Dispose() => _folder.Dispose();
}
