namespace Sluice.Abstractions.Cluster;

/// <summary>
/// A running cluster-ingest strategy. It tells the host, for each stream of
/// <see cref="ClusterContext.Streams"/>, whether this server may capture it now
/// (<see cref="MayCapture"/>) and where it is captured (<see cref="Placement"/>), and raises
/// <see cref="Changed"/> whenever either changes. A strategy that cannot be sure it alone captures a
/// stream (a lease it cannot renew) must answer false before another server can take the stream over.
/// </summary>
public interface IClusterStrategy : IAsyncDisposable
{
    /// <summary>Starts deciding (polling peers, taking leases). Until it knows, <see cref="MayCapture"/> answers false.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether this server may capture <paramref name="stream"/> now. Called often and from any thread
    /// (before a capture starts, for every API answer): cheap, never blocking. A fenced strategy checks the
    /// clock here, so a server that was frozen and resumes answers false at once.
    /// </summary>
    bool MayCapture(string stream);

    /// <summary>Where each cluster stream is captured, as this server knows it now.</summary>
    IReadOnlyList<StreamPlacement> Placement { get; }

    /// <summary>Every server of the group as this strategy sees it (this one included), for <c>GET /api/v1/cluster</c>.</summary>
    IReadOnlyList<ClusterPeerStatus> Peers { get; }

    /// <summary>Raised, from any thread, after <see cref="MayCapture"/>, <see cref="Placement"/> or <see cref="Peers"/> changed.</summary>
    event Action? Changed;

    /// <summary>
    /// The configuration changed (streams, peers, timeouts): apply it in place and return true, or return
    /// false to be disposed (releasing every stream) and created again.
    /// </summary>
    bool TryReconfigure(ClusterContext context);
}
