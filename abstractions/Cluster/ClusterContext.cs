using Sluice.Abstractions.Plugins;

namespace Sluice.Abstractions.Cluster;

/// <summary>
/// What a cluster strategy is told: <see cref="FactoryContext.Spec"/> is the engine as written
/// (<c>etcd://127.0.0.1:2379</c>, or <c>peers</c>), <see cref="FactoryContext.Options"/> the block of
/// <c>cluster_ingest_engine</c>, and the rest is what the host bound from the configuration.
/// </summary>
public sealed class ClusterContext : FactoryContext
{
    /// <summary>This server as the group knows it (a <c>peer</c> line that names it, or its own listen address); null when it is not a member.</summary>
    public ClusterNode? Self { get; init; }

    /// <summary>The <c>peer</c> lines, in file order (this server's own line included).</summary>
    public IReadOnlyList<ClusterPeer> Peers { get; init; } = [];

    /// <summary>The <c>cluster_ingest</c> streams of the configuration.</summary>
    public IReadOnlyList<ClusterStream> Streams { get; init; } = [];

    /// <summary><c>cluster_key</c>: authorizes servers to each other. A secret: never log or show it.</summary>
    public string? ClusterKey { get; init; }

    /// <summary>This server as the host sees it now: what it captures, its load.</summary>
    public IClusterMember Member { get; init; } = IdleMember.Instance;

    private sealed class IdleMember : IClusterMember
    {
        public static readonly IdleMember Instance = new();

        public ClusterLoad Load => ClusterLoad.None;
    }
}

/// <summary>This server as the host sees it, for strategies that publish it (etcd writes its load beside its lease).</summary>
public interface IClusterMember
{
    ClusterLoad Load { get; }
}
