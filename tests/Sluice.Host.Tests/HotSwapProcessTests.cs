using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// The operator's view of hot swap while no event flows (under load, for each sink plugin:
/// <see cref="SinkHotSwapProcessTests"/>): the block switches to the new sink at once, so the old
/// context is collected without waiting for traffic, and the next event goes through the new version.
/// </summary>
public sealed class HotSwapProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Replacing_a_sink_plugin_while_its_block_is_idle_collects_the_old_context_at_once()
    {
        var work = Directory.CreateTempSubdirectory("sluice-swap-").FullName;
        var plugins = PluginsDirectory.CopyOf(work, "Sluice.Sinks.Log");
        await using var host = await SluiceProcess.StartAsync(
            "notify audit { sink log://audit.jsonl; only event=swap_probe; }\n", pluginsDir: plugins, workDir: work);
        await Probes.PostAsync(host, "swap_probe", 1);
        await Probes.WaitForSeqsAsync(Path.Combine(work, "audit.jsonl"), [1], Bound);

        PluginsDirectory.OverwriteInPlace(plugins, "Sluice.Sinks.Log");

        // No event is sent until the old version is gone: the switch must not wait for one.
        var collected = await host.WaitForOutputAsync("plugin Sluice.Sinks.Log 0.1.0 unloaded and collected", Bound);
        Assert.Contains("plugin Sluice.Sinks.Log 0.1.0 replaced by 0.1.0", host.Output);
        Assert.DoesNotContain("not collected", host.Output);
        var milliseconds = int.Parse(collected[(collected.LastIndexOf('(') + 1)..collected.LastIndexOf(" ms)", StringComparison.Ordinal)]);
        Assert.True(milliseconds < 5000, collected);   // proven collected within the first GC rounds, not at a timeout
        await Probes.PostAsync(host, "swap_probe", 2);
        await Probes.WaitForSeqsAsync(Path.Combine(work, "audit.jsonl"), [1, 2], Bound);
    }
}
