using Sluice.Abstractions.Plugins;

namespace Sluice.Cluster.Peers;

/// <summary>The spec's cluster ingest: peers poll each other (<c>peer HOST:PORT;</c> lines, <c>cluster_key</c>).</summary>
public sealed class PeersPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddClusterStrategy(new PeerStrategyFactory());
}
