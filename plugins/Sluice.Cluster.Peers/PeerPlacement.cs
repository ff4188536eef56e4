using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Peers;

/// <summary>
/// The decision every server of the group makes alike from what it heard: the owner of each stream is its
/// <c>capture_at</c> server when alive, otherwise the rendezvous choice among the live servers. This server
/// takes a stream it owns only when no live peer reports capturing it (a stream moving back stops there
/// first), keeps it while it owns it, and drops it at once when it no longer does. A server that heard nothing
/// for longer than <see cref="PeerTable.StallLimit"/> (it was frozen: SIGSTOP, a VM pause, a starved process)
/// knows its peers have taken its streams: it drops them all and decides again after a fresh round of polls.
/// Not thread-safe.
/// </summary>
internal sealed class PeerPlacement(ClusterNode? self, TimeProvider time)
{
    private readonly HashSet<string> _mine = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamPlacement> _placement = new(StringComparer.Ordinal);
    private long? _evaluatedAt;

    public IReadOnlySet<string> Mine => _mine;

    public IReadOnlyList<StreamPlacement> Placement => _placement.Values.OrderBy(p => p.Stream, StringComparer.Ordinal).ToArray();

    /// <summary>Decides again; true when what this server captures or where a stream is changed.</summary>
    public bool Evaluate(IReadOnlyList<ClusterStream> streams, PeerTable peers, IReadOnlyDictionary<string, ClusterNode> nodes)
    {
        var changed = false;
        var stalled = _evaluatedAt is { } last && time.GetElapsedTime(last) >= peers.StallLimit;
        _evaluatedAt = time.GetTimestamp();
        if (stalled)
        {
            changed = _mine.Count > 0;
            _mine.Clear();
            peers.Restart();
        }
        var members = peers.Alive.ToList();
        if (self is not null) members.Add(self.Name);
        var ready = peers.Ready;
        var now = time.GetUtcNow();
        foreach (var stream in streams)
        {
            var desired = Rendezvous.Owner(stream, members);
            var others = peers.Capturing(stream.Name).ToList();
            if (self is not null && desired == self.Name)
            {
                if (ready && others.Count == 0 && _mine.Add(stream.Name)) changed = true;
            }
            else if (_mine.Remove(stream.Name)) changed = true;

            var owner = _mine.Contains(stream.Name) ? self : others.Count > 0 ? nodes.GetValueOrDefault(others[0]) : null;
            if (!_placement.TryGetValue(stream.Name, out var before) || before.Owner != owner)
            {
                _placement[stream.Name] = new StreamPlacement(stream.Name, owner, now);
                changed = true;
            }
        }
        foreach (var gone in _placement.Keys.Where(k => !streams.Any(s => s.Name == k)).ToArray())
        {
            _placement.Remove(gone);
            changed |= _mine.Remove(gone);
        }
        return changed;
    }
}
