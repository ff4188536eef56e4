using Sluice.Abstractions.Plugins;

namespace Sluice.Cluster.Etcd;

/// <summary>Cluster ingest on etcd leases: <c>cluster_ingest_engine etcd://HOST:PORT[,HOST:PORT...] { lease_ttl 5s; }</c>.</summary>
public sealed class EtcdPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddClusterStrategy(new EtcdStrategyFactory());
}
