namespace Sluice.Abstractions.Cluster;

/// <summary>
/// A cluster-ingest strategy: decides which server of a group captures each <c>cluster_ingest</c> stream.
/// Registered with <see cref="Plugins.IPluginBuilder.AddClusterStrategy"/>; chosen by the configuration's
/// <c>cluster_ingest_engine URL;</c> (its scheme), or the one claiming <see cref="PeersEngine"/> when the
/// configuration has only <c>peer</c> lines. The host owns the directives (<c>cluster_key</c>, <c>peer</c>,
/// <c>cluster_ingest</c>, <c>cluster_ingest_engine</c>, <c>source</c>) and starts or stops the local capture
/// of each stream as the strategy says; the strategy never opens an input itself.
/// </summary>
public interface IClusterStrategyFactory
{
    /// <summary>The engine of configurations without <c>cluster_ingest_engine</c>: the spec's peer polling.</summary>
    public const string PeersEngine = "peers";

    /// <summary>Short name for listings, errors and the API, e.g. <c>etcd</c>.</summary>
    string Name { get; }

    /// <summary>Engines it serves, lower case: the schemes of <c>cluster_ingest_engine</c> (<c>etcd</c>) or <see cref="PeersEngine"/>.</summary>
    IReadOnlyList<string> Engines { get; }

    /// <summary>Checks the cluster's configuration (the engine's URL and block, peers, timeouts); reports through the context's diagnostics.</summary>
    void Validate(ClusterContext context);

    /// <summary>Creates the strategy; the host starts it, and disposes it before another one takes over.</summary>
    IClusterStrategy Create(ClusterContext context);
}
