using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Cluster;
using Sluice.Cluster.Peers;

namespace Sluice.Cluster.Tests;

/// <summary>The peer strategy's decisions on a fake clock: staleness, failover, failback, the first round.</summary>
public sealed class PeerPlacementTests
{
    private static readonly TimeSpan Fetch = TimeSpan.FromSeconds(1), Stale = TimeSpan.FromSeconds(3);
    private static readonly ClusterNode A = ClusterNode.Of("127.0.0.1:8081"), B = ClusterNode.Of("127.0.0.1:8082"), C = ClusterNode.Of("127.0.0.1:8083");
    private readonly FakeTimeProvider _time = new();

    private sealed class Server
    {
        public required ClusterNode Self { get; init; }
        public required PeerTable Table { get; init; }
        public required PeerPlacement Placement { get; init; }
    }

    private Server Make(ClusterNode self)
    {
        var table = new PeerTable(_time);
        table.Set(new[] { A, B, C }.Where(n => n != self).Select(n => new ClusterPeer(n, Fetch, Stale, default)));
        return new Server { Self = self, Table = table, Placement = new PeerPlacement(self, _time) };
    }

    private static readonly Dictionary<string, ClusterNode> Nodes = new[] { A, B, C }.ToDictionary(n => n.Name);

    /// <summary>One round: every live server answers every other live one, then each decides.</summary>
    private static void Round(IReadOnlyList<Server> live, IReadOnlyList<ClusterStream> streams, IReadOnlyList<Server>? all = null)
    {
        foreach (var asking in live)
        {
            foreach (var answering in live.Where(s => s != asking))
                asking.Table.Answered(answering.Self.Name, new ClusterLoad(answering.Placement.Mine.ToArray(), 0));
        }
        foreach (var s in live) s.Placement.Evaluate(streams, s.Table, Nodes);
    }

    private static int Captures(IEnumerable<Server> servers, string stream) => servers.Count(s => s.Placement.Mine.Contains(stream));

    [Fact]
    public void Nothing_is_captured_before_the_first_round_of_polls_is_over()
    {
        var a = Make(A);
        var streams = new[] { new ClusterStream("cam", "127.0.0.1:8081") };
        a.Placement.Evaluate(streams, a.Table, Nodes);
        Assert.Empty(a.Placement.Mine);
        a.Table.Answered(B.Name, ClusterLoad.None); // C refuses (it may be starting): not dead before stale_timeout
        a.Placement.Evaluate(streams, a.Table, Nodes);
        Assert.Empty(a.Placement.Mine);
        for (var waited = TimeSpan.Zero; waited < Stale; waited += Fetch) // polls go on: C still silent when its stale_timeout is up
        {
            _time.Advance(Fetch);
            a.Table.Answered(B.Name, ClusterLoad.None);
            a.Placement.Evaluate(streams, a.Table, Nodes);
        }
        Assert.Contains("cam", a.Placement.Mine);
    }

    [Fact]
    public void Every_stream_is_captured_exactly_once_and_evenly_by_three_live_servers()
    {
        var servers = new[] { Make(A), Make(B), Make(C) };
        var streams = Enumerable.Range(1, 30).Select(i => new ClusterStream($"cam{i:00}", null)).ToArray();
        for (var i = 0; i < 3; i++) Round(servers, streams);
        Assert.All(streams, s => Assert.Equal(1, Captures(servers, s.Name)));
        Assert.All(servers, s => Assert.InRange(s.Placement.Mine.Count, 6, 14));
        // Every server agrees on where each stream is.
        foreach (var s in streams)
            Assert.Single(servers.Select(x => x.Placement.Placement.Single(p => p.Stream == s.Name).Owner).Distinct());
    }

    [Fact]
    public void A_dead_owner_is_replaced_after_stale_timeout_and_not_before()
    {
        var servers = new[] { Make(A), Make(B), Make(C) };
        var streams = new[] { new ClusterStream("cam03", "127.0.0.1:8083") };
        for (var i = 0; i < 2; i++) Round(servers, streams);
        Assert.Contains("cam03", servers[2].Placement.Mine);

        // C freezes: A and B stop hearing from it.
        var live = servers.Take(2).ToArray();
        _time.Advance(Stale - TimeSpan.FromMilliseconds(100));
        Round(live, streams, servers);
        Assert.Equal(0, Captures(live, "cam03")); // still within stale_timeout: C may be slow, not dead
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Round(live, streams, servers);
        Assert.Equal(1, Captures(live, "cam03"));
        Assert.False(servers[0].Table.IsAlive(C.Name));
    }

    [Fact]
    public void When_capture_at_returns_the_old_owner_stops_before_it_starts()
    {
        var servers = new[] { Make(A), Make(B), Make(C) };
        var streams = new[] { new ClusterStream("cam03", "127.0.0.1:8083") };
        var live = servers.Take(2).ToArray();
        for (var waited = TimeSpan.Zero; waited <= Stale; waited += Fetch) // C never answered: dead once its stale_timeout is up
        {
            _time.Advance(Fetch);
            Round(live, streams, servers);
        }
        var old = live.Single(s => s.Placement.Mine.Contains("cam03"));

        // C comes back. Each round: answers, then decisions; never two captures at once.
        var sawOldStop = false;
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(Fetch);
            Round(servers, streams);
            Assert.InRange(Captures(servers, "cam03"), 0, 1);
            sawOldStop |= !old.Placement.Mine.Contains("cam03");
        }
        Assert.True(sawOldStop);
        Assert.Contains("cam03", servers[2].Placement.Mine);
    }

    [Fact]
    public void A_server_frozen_past_stale_timeout_drops_its_streams_on_waking_and_takes_back_only_what_was_let_go()
    {
        var servers = new[] { Make(A), Make(B), Make(C) };
        var streams = Enumerable.Range(1, 12).Select(i => new ClusterStream($"cam{i:00}", null)).ToArray();
        for (var i = 0; i < 2; i++) Round(servers, streams);
        var c = servers[2];
        var had = c.Placement.Mine.ToArray();
        Assert.NotEmpty(had);

        // C is frozen (SIGSTOP): A and B go on polling and take its streams once it is stale.
        var live = servers.Take(2).ToArray();
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(Fetch);
            Round(live, streams, servers);
        }
        Assert.All(had, s => Assert.Equal(1, Captures(live, s)));

        // C wakes: the first decision after the gap drops everything (its peers hold it now), none is taken
        // before a fresh round of polls, and each stream is back at C only after A or B let it go.
        c.Placement.Evaluate(streams, c.Table, Nodes);
        Assert.Empty(c.Placement.Mine);
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Fetch);
            Round(servers, streams);
            Assert.All(streams, s => Assert.InRange(Captures(servers, s.Name), 0, 1));
        }
        Assert.All(had, s => Assert.Contains(s, c.Placement.Mine));
        Assert.All(streams, s => Assert.Equal(1, Captures(servers, s.Name)));
    }

    [Fact]
    public void A_peer_that_stops_answering_is_dead_after_its_own_stale_timeout()
    {
        var table = new PeerTable(_time);
        table.Set([new ClusterPeer(B, Fetch, Stale, default)]);
        Assert.False(table.IsAlive(B.Name));
        table.Answered(B.Name, ClusterLoad.None);
        Assert.True(table.IsAlive(B.Name));
        _time.Advance(Stale - TimeSpan.FromTicks(1));
        Assert.True(table.IsAlive(B.Name));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(table.IsAlive(B.Name));
    }

    [Fact]
    public void Without_answers_decisions_begin_after_the_longest_stale_timeout()
    {
        var table = new PeerTable(_time);
        table.Set([new ClusterPeer(B, Fetch, Stale, default)]);
        Assert.False(table.Ready);
        _time.Advance(Stale);
        Assert.True(table.Ready);
    }
}
