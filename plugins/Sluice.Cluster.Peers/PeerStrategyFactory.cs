using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Peers;

/// <summary>The strategy of configurations with <c>peer</c> lines and no engine (or <c>cluster_ingest_engine peers;</c>).</summary>
internal sealed class PeerStrategyFactory : IClusterStrategyFactory
{
    public string Name => "peers";

    public IReadOnlyList<string> Engines { get; } = [IClusterStrategyFactory.PeersEngine];

    public void Validate(ClusterContext context)
    {
        foreach (var option in context.Options)
            context.Diagnostics.Error(option.Location, $"peer polling takes no engine options, got '{option.Name}' (timeouts go in each peer's block)");
        if (context.Peers.Count == 0)
            context.Error("peer polling needs 'peer HOST:PORT;' lines, one per server of the group (this one included)");
    }

    public IClusterStrategy Create(ClusterContext context) => new PeerStrategy(context, new HttpPeerClient(context.ClusterKey));
}
