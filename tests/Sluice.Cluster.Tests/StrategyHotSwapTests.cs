using Sluice.Cluster.Tests.Support;

namespace Sluice.Cluster.Tests;

/// <summary>
/// A new build of the strategy plugin dropped into one running server's plugins folder: the host swaps it
/// (the old strategy stops every cluster stream there before the new one starts), no stream is ever captured
/// twice in the group, and the group settles back where the rendezvous rule puts it.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class StrategyHotSwapTests
{
    private const int Streams = 6;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Sluice.Cluster.Peers")]
    [InlineData("Sluice.Cluster.Etcd")]
    public async Task A_hot_swap_of_the_strategy_plugin_on_one_server_never_captures_a_stream_twice_and_capture_resumes(string plugin)
    {
        await using var etcd = plugin == "Sluice.Cluster.Etcd" ? await EtcdServer.StartAsync() : null;
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        using var folders = new TempFolder();
        var engine = etcd is null ? ClusterGroup.Peers(names, 300, 1500) : $"cluster_ingest_engine etcd://{etcd.Endpoint} {{ lease_ttl 2s; }}\n";
        await using var group = await ClusterGroup.StartAsync(names, _ => engine + ClusterGroup.UdpStreams(Streams, udp),
            n => PluginsCopy.Of(Path.Combine(folders.Path, n.Replace(':', '-')), plugin, "Sluice.Sources.MpegTs"));
        var streams = ClusterGroup.StreamList(Streams);
        await group.WaitAsync(v => ClusterGroup.Settled(v, 3, streams), Bound, "each stream captured exactly once, where the rule puts it");
        var swapped = ClusterGroup.Busiest(group.LastViews);
        var its = group.LastViews.Single(v => v.Node == swapped).View.CapturedHere.Order().ToArray();
        Assert.NotEmpty(its);

        var (_, max) = await group.SampleWhileAsync(streams.Select(s => s.Name).ToArray(), async () =>
        {
            PluginsCopy.Overwrite(Path.Combine(folders.Path, swapped.Name.Replace(':', '-')), plugin);
            await WaitForLogAsync(swapped, $"plugin {plugin} 0.1.0 replaced by 0.1.0");
            await WaitForLogAsync(swapped, $"plugin {plugin} 0.1.0 unloaded and collected", $"plugin {plugin} 0.1.0 not collected");
            return await group.WaitAsync(v => ClusterGroup.Settled(v, 3, streams), Bound, "capture resumed after the swap, where the rule puts it");
        });
        Assert.Equal(1, max); // sampled every 100 ms on every server: never two at once
        Assert.True(swapped.LogHas("stopped (replaced)"), swapped.Output); // the old strategy stopped its streams first
        Assert.Equal(its, group.LastViews.Single(v => v.Node == swapped).View.CapturedHere.Order().ToArray());
        Assert.DoesNotContain("not collected", swapped.Output);
    }

    private static async Task WaitForLogAsync(ClusterNode node, params string[] texts)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!texts.Any(node.LogHas))
        {
            if (clock.Elapsed > Bound) throw new TimeoutException($"'{texts[0]}' not logged within {Bound.TotalSeconds:0} s:\n{node.Output}");
            await Task.Delay(100);
        }
    }
}
