using System.Diagnostics;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Plugins;
using Sluice.Plugins.Tests.Support;
using Xunit.Abstractions;

namespace Sluice.Plugins.Tests;

/// <summary>Plugins added, replaced in place and removed while the host runs and works through them.</summary>
public sealed class HotSwapTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly PluginsFolder _folder = new();

    [Fact]
    public async Task Overwriting_a_plugin_in_place_swaps_it_under_load_without_losing_a_call_and_collects_the_old_one()
    {
        var pluginDir = _folder.Install("SwapSink");
        SwitchingSinkHost? host = null;
        await using var manager = _folder.CreateManager(onChange: (change, ct) => host!.ApplyAsync(change, ct));
        host = new SwitchingSinkHost(manager.Contributions, _folder.Services, "swap://block");
        await manager.LoadAllAsync();
        await host.ApplyAsync(new PluginSetChange(PluginChangeKind.Added, pluginDir, null, null), CancellationToken.None);
        await manager.StartServicesAsync();
        var swapped = WaitForChange(manager, PluginChangeKind.Replaced);
        var replacements = 0;
        manager.ChangeCompleted += o => { if (o.Change.Kind == PluginChangeKind.Replaced) Interlocked.Increment(ref replacements); };
        manager.StartWatching();

        using var stop = new CancellationTokenSource(Bound);
        long sent = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await host.DeliverAsync(new SluiceEvent("tick", sent.ToString(), 0, "srv", EventLevel.Info), CancellationToken.None);
                Interlocked.Increment(ref sent);
            }
        });
        Assert.True(await Waiting.UntilAsync(() => Interlocked.Read(ref sent) > 200, Bound), "the load loop delivers");

        var clock = Stopwatch.StartNew();
        var sentAtCopy = Interlocked.Read(ref sent);
        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), pluginDir);
        var outcome = await swapped.WaitAsync(Bound);
        var sentAtSwap = Interlocked.Read(ref sent);
        output.WriteLine($"files overwritten -> swap done (old collected): {clock.ElapsedMilliseconds} ms, {sentAtSwap - sentAtCopy} calls delivered meanwhile");
        Assert.True(await Waiting.UntilAsync(() => Interlocked.Read(ref sent) > sentAtSwap + 200, Bound), "the load loop goes on after the swap");
        stop.Cancel();
        await load.WaitAsync(Bound);   // the loop itself never threw
        foreach (var line in _folder.Logs.Lines) output.WriteLine(line);

        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal("plugin Sluice.TestPlugins.SwapSink 1.0.0 replaced by 2.0.0", outcome.Change.ToString());
        Assert.True(outcome.OldCollected, "the old context is collected");
        Assert.False(outcome.OldContext!.IsAlive);
        Assert.Contains(_folder.Logs.Lines, l => l.StartsWith("Information: plugin Sluice.TestPlugins.SwapSink 1.0.0 unloaded and collected (", StringComparison.Ordinal));

        // Every call delivered exactly once, in order; v1 until one switch point, v2 after it.
        var delivered = _folder.Services.Delivered.ToArray();
        Assert.Equal(Interlocked.Read(ref sent), delivered.Length);
        Assert.Equal(Enumerable.Range(0, delivered.Length).Select(i => i.ToString()), delivered.Select(d => d[3..]));
        var variants = delivered.Select(d => d[..2]).ToArray();
        var firstV2 = Array.IndexOf(variants, "v2");
        Assert.True(firstV2 > 0, "both versions delivered");
        Assert.All(variants[..firstV2], v => Assert.Equal("v1", v));
        Assert.All(variants[firstV2..], v => Assert.Equal("v2", v));

        Assert.Equal(1, Volatile.Read(ref replacements));   // the copy of several files was one change
        Assert.Equal(2, host.Switches);
        Assert.Equal("swap:// (v2)", host.CurrentSpecForms());
        var plugin = manager.Plugins.Single();
        Assert.Equal((PluginState.Loaded, "2.0.0", (string?)null), (plugin.State, plugin.Version, plugin.Error));
    }

    [Fact]
    public async Task A_plugin_folder_added_then_removed_while_watching_is_loaded_then_unloaded_and_collected()
    {
        var changes = new List<PluginSetChange>();
        await using var manager = _folder.CreateManager(onChange: (change, _) =>
        {
            lock (changes) changes.Add(change);
            return Task.CompletedTask;
        });
        await manager.LoadAllAsync();
        await manager.StartServicesAsync();
        manager.StartWatching();
        Assert.Empty(manager.Plugins);

        var added = WaitForChange(manager, PluginChangeKind.Added);
        var folder = _folder.Install("Hello");
        var addOutcome = await added.WaitAsync(Bound);

        Assert.True(addOutcome.Applied, addOutcome.Error);
        Assert.Equal("Sluice.TestPlugins.Hello", manager.Plugins.Single().Name);
        Assert.Equal(["hello"], SinkNames(manager));

        var removed = WaitForChange(manager, PluginChangeKind.Removed);
        Directory.Delete(folder, recursive: true);
        var removeOutcome = await removed.WaitAsync(Bound);

        Assert.True(removeOutcome.Applied, removeOutcome.Error);
        Assert.True(removeOutcome.OldCollected, "the removed plugin's context is collected (its service's timer was stopped)");
        Assert.Empty(manager.Plugins);
        Assert.Empty(SinkNames(manager));
        lock (changes)
            Assert.Equal(["plugin Sluice.TestPlugins.Hello 1.0.0 added", "plugin Sluice.TestPlugins.Hello 1.0.0 removed"], changes.Select(c => c.ToString()));
    }

    [Fact]
    public async Task The_periodic_rescan_finds_a_new_plugin_when_file_events_are_missed()
    {
        var options = _folder.Options();
        await using var manager = new PluginManager(
            new PluginHostOptions
            {
                PluginsDirectory = options.PluginsDirectory,
                ShadowRoot = options.ShadowRoot,
                Debounce = TimeSpan.FromHours(1),   // events never lead to a rescan in this test
                RescanInterval = TimeSpan.FromMilliseconds(300),
            },
            _folder.Services, _folder.Logs);
        await manager.LoadAllAsync();
        var added = WaitForChange(manager, PluginChangeKind.Added);
        manager.StartWatching();

        _folder.Install("Hello");
        var outcome = await added.WaitAsync(Bound);

        Assert.True(outcome.Applied, outcome.Error);
        Assert.Equal(["hello"], SinkNames(manager));
    }

    [Fact]
    public async Task A_new_version_that_fails_to_load_leaves_the_old_one_running_and_is_reported()
    {
        var folder = _folder.Install("SwapSink");
        var calls = 0;
        await using var manager = _folder.CreateManager(onChange: (_, _) => { calls++; return Task.CompletedTask; });
        await manager.LoadAllAsync();

        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), folder);
        File.WriteAllBytes(Path.Combine(folder, "Sluice.TestPlugins.SwapSink.dll"), new byte[2048]);
        var outcome = (await manager.RescanAsync()).Single();

        Assert.False(outcome.Applied);
        Assert.StartsWith("Sluice.TestPlugins.SwapSink.dll is not a valid .NET assembly", outcome.Error);
        Assert.Equal(0, calls);
        var plugin = manager.Plugins.Single();
        Assert.Equal((PluginState.Loaded, "1.0.0"), (plugin.State, plugin.Version));
        Assert.StartsWith("version 2.0.0 failed to load, 1.0.0 still runs: Sluice.TestPlugins.SwapSink.dll is not a valid", plugin.Error);
        Assert.Equal("swap:// (v1)", new SwitchingSinkHost(manager.Contributions, _folder.Services, "swap://x").CurrentSpecForms());
        Assert.Empty(await manager.RescanAsync());   // the same broken files are not retried

        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), folder);   // fixed: taken
        var fixedOutcome = (await manager.RescanAsync()).Single();
        Assert.True(fixedOutcome.Applied, fixedOutcome.Error);
        Assert.Equal(("2.0.0", (string?)null), (manager.Plugins.Single().Version, manager.Plugins.Single().Error));
    }

    [Fact]
    public async Task A_swap_the_host_cannot_apply_is_rolled_back_to_the_old_version()
    {
        var folder = _folder.Install("SwapSink");
        var seen = new List<string>();
        await using var manager = _folder.CreateManager(onChange: (change, _) =>
        {
            seen.Add(change.ToString());
            if (change.New?.Version == "2.0.0") throw new InvalidOperationException("cannot build the new sinks");
            return Task.CompletedTask;
        });
        await manager.LoadAllAsync();

        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), folder);
        var outcome = (await manager.RescanAsync()).Single();

        Assert.False(outcome.Applied);
        Assert.Equal("InvalidOperationException: cannot build the new sinks", outcome.Error);
        Assert.Equal(["plugin Sluice.TestPlugins.SwapSink 1.0.0 replaced by 2.0.0", "plugin Sluice.TestPlugins.SwapSink 2.0.0 replaced by 1.0.0"], seen);
        Assert.Equal("1.0.0", manager.Plugins.Single().Version);
        Assert.Contains("not taken", manager.Plugins.Single().Error);
        Assert.Equal("swap:// (v1)", new SwitchingSinkHost(manager.Contributions, _folder.Services, "swap://x").CurrentSpecForms());
    }

    [Fact]
    public async Task Swaps_are_serialized_when_rescans_race()
    {
        var folder = _folder.Install("SwapSink");
        var inside = 0;
        var overlapped = false;
        await using var manager = _folder.CreateManager(onChange: async (_, _) =>
        {
            if (Interlocked.Increment(ref inside) > 1) overlapped = true;
            await Task.Delay(100);
            Interlocked.Decrement(ref inside);
        });
        await manager.LoadAllAsync();
        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), folder);
        _folder.Install("Hello");

        var scans = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => manager.RescanAsync()));

        Assert.False(overlapped);
        Assert.Equal(2, scans.Sum(s => s.Count));   // one swap, one addition: each done once
        Assert.Equal(["2.0.0", "1.0.0"], manager.Plugins.Select(p => p.Version));
    }

    [Fact]
    public async Task An_old_version_the_host_still_references_is_reported_as_not_collected()
    {
        var folder = _folder.Install("SwapSink");
        var options = _folder.Options();
        var leaked = new List<object>();   // a host bug: it keeps the old sink types
        await using var manager = new PluginManager(
            new PluginHostOptions { PluginsDirectory = options.PluginsDirectory, ShadowRoot = options.ShadowRoot, CollectTimeout = TimeSpan.FromSeconds(1) },
            _folder.Services, _folder.Logs);
        await manager.LoadAllAsync();
        leaked.AddRange(manager.All<IEventSinkFactory>());

        PluginsFolder.CopyOver(PluginsFolder.Built("SwapSink.v2"), folder);
        var outcome = (await manager.RescanAsync()).Single();

        Assert.True(outcome.Applied, outcome.Error);
        Assert.False(outcome.OldCollected);
        Assert.True(outcome.OldContext!.IsAlive);
        Assert.Contains("Warning: plugin Sluice.TestPlugins.SwapSink 1.0.0 not collected after 1s (something still references it)", _folder.Logs.Lines);
        Assert.Single(leaked);
        Assert.Equal(2, Directory.GetDirectories(_folder.ShadowRoot).Length);   // its shadow copy stays while it lives

        leaked.Clear();   // the bug goes away: the old context can go now
        Assert.True(await PluginUnloader.WaitForCollectionAsync(outcome.OldContext, Bound));
        Assert.Empty(await manager.RescanAsync());   // the next (periodic) rescan cleans up

        Assert.Single(Directory.GetDirectories(_folder.ShadowRoot));
        Assert.Contains(_folder.Logs.Lines, l => l.StartsWith("Information: plugin Sluice.TestPlugins.SwapSink 1.0.0 was collected late (", StringComparison.Ordinal)
            && l.EndsWith("s after unload); its shadow copy is deleted", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> SinkNames(PluginManager manager) =>
        manager.All<IEventSinkFactory>().Select(f => f.Name).ToList();

    private static Task<PluginChangeOutcome> WaitForChange(PluginManager manager, PluginChangeKind kind)
    {
        var done = new TaskCompletionSource<PluginChangeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.ChangeCompleted += outcome =>
        {
            if (outcome.Change.Kind == kind) done.TrySetResult(outcome);
        };
        return done.Task;
    }

    public void Dispose() => _folder.Dispose();
}
