using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Peers;

/// <summary>
/// What this server heard from each peer: the last answer (when, and what the peer captures) and whether
/// the first poll is over. A peer is alive while its last answer is younger than its <c>stale_timeout</c>.
/// Not thread-safe: its owner locks.
/// </summary>
internal sealed class PeerTable(TimeProvider time)
{
    private sealed class Entry(ClusterPeer peer)
    {
        public ClusterPeer Peer { get; set; } = peer;
        public long? AnsweredAt { get; set; }
        public DateTimeOffset? AnsweredUtc { get; set; }
        public ClusterLoad? Load { get; set; }
        public bool Polled { get; set; }
    }

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _startedAt = time.GetTimestamp();

    /// <summary>
    /// How long this server may go without hearing a poll's outcome before it must assume it was frozen (or
    /// starved) and that its peers took its streams: the longest stale_timeout, at least twice the longest
    /// fetch_timeout (polls end at least that often). <see cref="TimeSpan.MaxValue"/> without peers.
    /// </summary>
    public TimeSpan StallLimit => _entries.Count == 0 ? TimeSpan.MaxValue
        : TimeSpan.FromTicks(Math.Max(_entries.Values.Max(e => e.Peer.StaleTimeout.Ticks), 2 * _entries.Values.Max(e => e.Peer.FetchTimeout.Ticks)));

    /// <summary>Forgets that the first round of polls is over: decisions wait for a fresh one (after a stall).</summary>
    public void Restart()
    {
        _startedAt = time.GetTimestamp();
        foreach (var e in _entries.Values) e.Polled = false;
    }

    /// <summary>The peers to poll (this server's own line left out); answers of peers still listed are kept.</summary>
    public void Set(IEnumerable<ClusterPeer> peers)
    {
        var wanted = peers.ToDictionary(p => p.Node.Name, StringComparer.Ordinal);
        foreach (var name in _entries.Keys.Where(n => !wanted.ContainsKey(n)).ToArray()) _entries.Remove(name);
        foreach (var (name, peer) in wanted)
        {
            if (_entries.TryGetValue(name, out var e)) e.Peer = peer;
            else _entries[name] = new Entry(peer);
        }
    }

    public IEnumerable<ClusterPeer> Peers => _entries.Values.Select(e => e.Peer);

    public void Answered(string peer, ClusterLoad load)
    {
        if (!_entries.TryGetValue(peer, out var e)) return;
        e.AnsweredAt = time.GetTimestamp();
        e.AnsweredUtc = time.GetUtcNow();
        e.Load = load;
        e.Polled = true;
    }

    public bool IsAlive(string peer) =>
        _entries.TryGetValue(peer, out var e) && e.AnsweredAt is { } at && time.GetElapsedTime(at) < e.Peer.StaleTimeout;

    /// <summary>
    /// True once every peer answered once, or the longest stale_timeout passed (the silent ones are dead):
    /// decisions may begin. A failed poll does not count: a peer that refuses the connection may only be
    /// starting (the servers of a group often start together, and a host listens a few seconds after its
    /// strategy starts), and it is dead only once it has not answered for its stale_timeout.
    /// </summary>
    public bool Ready =>
        _entries.Values.All(e => e.Polled)
        || time.GetElapsedTime(_startedAt) >= (_entries.Count == 0 ? TimeSpan.Zero : _entries.Values.Max(e => e.Peer.StaleTimeout));

    /// <summary>The alive peers that report capturing <paramref name="stream"/>, by name.</summary>
    public IEnumerable<string> Capturing(string stream) =>
        _entries.Values.Where(e => IsAlive(e.Peer.Node.Name) && e.Load is { } l && l.Captured.Contains(stream)).Select(e => e.Peer.Node.Name).Order(StringComparer.Ordinal);

    public IEnumerable<string> Alive => _entries.Keys.Where(IsAlive);

    public ClusterPeerStatus Status(string peer)
    {
        var e = _entries[peer];
        return new ClusterPeerStatus(e.Peer.Node, false, IsAlive(peer), e.AnsweredUtc, e.Load);
    }
}
