using Sluice.Cluster.Tests.Support;

namespace Sluice.Cluster.Tests;

/// <summary>Three real hosts (127.0.0.1, .2, .3) on a real etcd (Debian's etcd-server): leases, fencing, SIGSTOP of the lease holder.</summary>
[Collection(nameof(ProcessTests))]
public sealed class EtcdClusterTests
{
    private const int TtlSeconds = 2;
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(TtlSeconds + 2);

    private static bool EachOnce(IReadOnlyList<(ClusterNode Node, ClusterView View)> views, int servers, int streams) =>
        views.Count == servers && Enumerable.Range(1, streams).All(i => ClusterGroup.Captures(views, $"cam{i:00}") == 1);

    /// <summary>
    /// Every answering server agrees and each stream is on its rendezvous owner among them (capture_at first):
    /// where the group must come back to after any fault, not only "captured once somewhere".
    /// </summary>
    private static Func<IReadOnlyList<(ClusterNode Node, ClusterView View)>, bool> Settled(int servers, int streams, IReadOnlyDictionary<string, string>? captureAt = null) =>
        v => ClusterGroup.Settled(v, servers, ClusterGroup.StreamList(streams, captureAt));

    [Fact]
    public async Task The_lease_holder_frozen_by_SIGSTOP_is_replaced_in_time_and_never_captures_twice()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        var captureAt = new Dictionary<string, string> { ["cam03"] = "127.0.0.3" };
        await using var group = await ClusterGroup.StartAsync(names, _ =>
            $"cluster_ingest_engine etcd://{etcd.Endpoint} {{ lease_ttl {TtlSeconds}s; prefix /sluice/test/; }}\n" + ClusterGroup.UdpStreams(6, udp, captureAt));
        // Servers that started first took everything; as the others register, their share (and cam03) moves to them.
        await group.WaitAsync(Settled(3, 6, captureAt), TimeSpan.FromSeconds(30), "each stream captured exactly once where the rule puts it, cam03 at capture_at");
        var views = group.LastViews;
        Assert.All(views, v => Assert.Equal("etcd", v.View.Strategy));
        Assert.Contains("cam03", views.Single(v => v.Node == group[2]).View.CapturedHere);
        Assert.All(views, v => Assert.Equal(3, v.View.Peers.Count(p => p.Value)));

        // Freeze the holder of cam03 for longer than its lease; sample every 100 ms the whole time.
        var (took, max) = await group.SampleWhileAsync("cam03", async () =>
        {
            group[2].Freeze();
            var t = await group.WaitAsync(v => EachOnce(v, 2, 6), Failover + TimeSpan.FromSeconds(4), "failover from the frozen holder");
            await Task.Delay(TimeSpan.FromSeconds(1));
            group[2].Resume();
            // Resumed: its lease is gone; it must not claim what others hold, then takes cam03 back (capture_at) cleanly,
            // and every stream is back on its rendezvous owner.
            await group.WaitAsync(Settled(3, 6, captureAt), TimeSpan.FromSeconds(30), "failback to capture_at after SIGCONT");
            return t;
        });
        Assert.Equal(1, max); // never twice, never sampled as captured by the frozen server after it resumed
        Assert.True(took < Failover + TimeSpan.FromSeconds(1.5), $"failover took {took.TotalSeconds:0.0} s");
        Assert.True(group[2].LogHas("etcd lease"), group[2].Output);
    }

    [Fact]
    public async Task A_server_cut_off_from_etcd_stops_capturing_before_its_lease_expires_and_no_stream_is_captured_twice()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var relay = new TcpRelay(etcd.ClientPort);
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        // The first server reaches etcd through the relay; the others directly.
        await using var group = await ClusterGroup.StartAsync(names, n =>
            $"cluster_ingest_engine etcd://{(n == names[0] ? relay.Endpoint : etcd.Endpoint)} {{ lease_ttl {TtlSeconds}s; }}\n" + ClusterGroup.UdpStreams(9, udp));
        await group.WaitAsync(Settled(3, 9), TimeSpan.FromSeconds(30), "each stream captured exactly once, where the rule puts it");
        var streams = Enumerable.Range(1, 9).Select(i => $"cam{i:00}").ToArray();

        var (took, max) = await group.SampleWhileAsync(streams, async () =>
        {
            relay.Cut(); // it still runs and answers its API: only its link to etcd is gone (or very slow)
            var t = await group.WaitAsync(v => EachOnce(v, 3, 9) && !v.Single(x => x.Node == group[0]).View.CapturedHere.Any(),
                Failover + TimeSpan.FromSeconds(4), "the cut-off server's streams captured by the others");
            relay.Heal();
            await group.WaitAsync(Settled(3, 9), TimeSpan.FromSeconds(30), "its share back once the link heals");
            return t;
        });
        Assert.Equal(1, max); // sampled every 100 ms on every server: never two at once
        Assert.True(took < Failover + TimeSpan.FromSeconds(1.5), $"failover took {took.TotalSeconds:0.0} s");
        Assert.True(group[0].LogHas("etcd lease"), group[0].Output); // "etcd lease not renewed in time" or "etcd lease lost"
    }

    [Fact]
    public async Task A_killed_server_s_streams_move_after_its_lease_expires_and_come_back_when_it_restarts()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        await using var group = await ClusterGroup.StartAsync(names, _ =>
            $"cluster_ingest_engine etcd://{etcd.Endpoint} {{ lease_ttl {TtlSeconds}s; }}\n" + ClusterGroup.UdpStreams(9, udp));
        await group.WaitAsync(Settled(3, 9), TimeSpan.FromSeconds(30), "each stream captured exactly once, where the rule puts it");
        var victim = ClusterGroup.Busiest(group.LastViews);
        var its = group.LastViews.Single(v => v.Node == victim).View.CapturedHere.ToArray();
        Assert.NotEmpty(its);
        await victim.KillAsync();
        var took = await group.WaitAsync(v => EachOnce(v, 2, 9), Failover + TimeSpan.FromSeconds(4), "failover after kill -9");
        Assert.True(took < Failover + TimeSpan.FromSeconds(1.5), $"failover took {took.TotalSeconds:0.0} s");
        await group.WaitAsync(Settled(2, 9), TimeSpan.FromSeconds(10), "the survivors agree on the rendezvous split of two");
        await victim.StartAsync();
        await group.WaitAsync(Settled(3, 9), TimeSpan.FromSeconds(30), "its share back after restart");
        Assert.Equal(its.Order(), group.LastViews.Single(v => v.Node == victim).View.CapturedHere.Order());
    }
}
