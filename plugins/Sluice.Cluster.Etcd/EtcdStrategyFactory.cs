using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Etcd;

/// <summary>The <c>etcd://</c> engine; its members come from etcd, so <c>peer</c> lines are not needed (and are ignored).</summary>
internal sealed class EtcdStrategyFactory : IClusterStrategyFactory
{
    public string Name => "etcd";

    public IReadOnlyList<string> Engines { get; } = ["etcd"];

    public void Validate(ClusterContext context)
    {
        EtcdSettings.Bind(context);
        if (context.Peers.Count > 0)
            context.Diagnostics.Warning(context.Peers[0].Location, "with the etcd engine the servers of the group come from etcd; 'peer' lines are ignored");
    }

    public IClusterStrategy Create(ClusterContext context)
    {
        var settings = EtcdSettings.Bind(context) ?? throw new ArgumentException("invalid etcd engine (validate the configuration first)");
        var self = context.Self ?? throw new InvalidOperationException("the etcd engine needs this server's address: give it an 'http ADDR:PORT;' listener");
        return new EtcdStrategy(settings, self, context, new EtcdStore(settings));
    }
}
