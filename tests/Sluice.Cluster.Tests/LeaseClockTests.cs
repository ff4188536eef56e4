using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Cluster;
using Sluice.Cluster.Etcd;

namespace Sluice.Cluster.Tests;

/// <summary>Fencing of the etcd strategy on a fake clock, and its placement rule.</summary>
public sealed class LeaseClockTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_lease_holds_until_a_margin_before_etcd_could_expire_it()
    {
        var clock = new LeaseClock(_time, TimeSpan.FromSeconds(1));
        Assert.False(clock.IsValid);
        var sent = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(300)); // the answer took 300 ms: validity still counts from the send
        clock.Renewed(sent, TimeSpan.FromSeconds(3));
        Assert.True(clock.IsValid);
        Assert.Equal(TimeSpan.FromMilliseconds(1700), clock.Remaining);
        _time.Advance(TimeSpan.FromMilliseconds(1699));
        Assert.True(clock.IsValid);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(clock.IsValid);
        Assert.Equal(TimeSpan.Zero, clock.Remaining);
    }

    [Fact]
    public void A_frozen_server_is_not_valid_the_moment_it_resumes()
    {
        var clock = new LeaseClock(_time, TimeSpan.FromSeconds(1));
        clock.Renewed(_time.GetTimestamp(), TimeSpan.FromSeconds(3));
        _time.Advance(TimeSpan.FromSeconds(10)); // SIGSTOP ... SIGCONT: no timer ran meanwhile
        Assert.False(clock.IsValid);
    }

    [Fact]
    public void An_older_renewal_answered_late_never_shortens_nor_extends_past_its_own_send()
    {
        var clock = new LeaseClock(_time, TimeSpan.FromSeconds(1));
        var first = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        clock.Renewed(_time.GetTimestamp(), TimeSpan.FromSeconds(3));
        var remaining = clock.Remaining;
        clock.Renewed(first, TimeSpan.FromSeconds(3));
        Assert.Equal(remaining, clock.Remaining);
        clock.Lost();
        Assert.False(clock.IsValid);
    }

    [Fact]
    public void Placement_claims_only_free_streams_it_should_own_and_releases_to_a_returning_capture_at()
    {
        string[] members = ["127.0.0.1:8081", "127.0.0.1:8082"];
        var streams = new[] { new ClusterStream("cam03", "127.0.0.1:8083"), new ClusterStream("cam01", null) };
        var mine = Rendezvous.Owner(streams[0], members)!;
        var other = members.Single(m => m != mine);

        var plan = EtcdPlacement.Decide(mine, streams, members, new Dictionary<string, string>());
        Assert.Contains("cam03", plan.Claim);
        Assert.DoesNotContain("cam03", EtcdPlacement.Decide(other, streams, members, new Dictionary<string, string>()).Claim);

        // Held by someone else: wait, never claim.
        Assert.DoesNotContain("cam03", EtcdPlacement.Decide(mine, streams, members, new Dictionary<string, string> { ["cam03"] = other }).Claim);

        // capture_at's server comes back: the holder releases, the preferred one waits for the key to go.
        string[] three = [.. members, "127.0.0.1:8083"];
        var held = new Dictionary<string, string> { ["cam03"] = mine };
        Assert.Contains("cam03", EtcdPlacement.Decide(mine, streams, three, held).Release);
        Assert.DoesNotContain("cam03", EtcdPlacement.Decide("127.0.0.1:8083", streams, three, held).Claim);
        Assert.Contains("cam03", EtcdPlacement.Decide("127.0.0.1:8083", streams, three, new Dictionary<string, string>()).Claim);
    }
}
