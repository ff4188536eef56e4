using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Etcd;

/// <summary>
/// What this server should do, from the members (servers with a live lease) and the owner keys it read:
/// claim a stream it should own that nobody holds; release one it holds that another should own (a member
/// came back or joined); otherwise wait. Pure: the same inputs give the same answer on every server.
/// </summary>
internal static class EtcdPlacement
{
    public sealed record Plan(IReadOnlyList<string> Claim, IReadOnlyList<string> Release, IReadOnlyList<string> Keep);

    public static Plan Decide(string self, IReadOnlyList<ClusterStream> streams, IReadOnlyCollection<string> members, IReadOnlyDictionary<string, string> owners)
    {
        var claim = new List<string>();
        var release = new List<string>();
        var keep = new List<string>();
        var everyone = members.Contains(self) ? members : [.. members, self];
        foreach (var s in streams)
        {
            var desired = Rendezvous.Owner(s, everyone);
            var owner = owners.GetValueOrDefault(s.Name);
            if (owner == self)
            {
                if (desired == self) keep.Add(s.Name);
                else release.Add(s.Name);
            }
            else if (owner is null && desired == self) claim.Add(s.Name);
        }
        return new Plan(claim, release, keep);
    }
}
