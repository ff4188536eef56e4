using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Cluster;

/// <summary>The <see cref="ClusterContext"/> of bound options, the same at check time and at apply time.</summary>
internal static class ClusterContexts
{
    public static ClusterContext For(ClusterOptions options, ClusterNode? self, IReadOnlyList<ClusterStream> streams, string configDirectory,
        IConfigDiagnostics diagnostics, IServiceProvider services, IClusterMember? member = null, ILogger? logger = null)
    {
        var engine = options.Engine ?? throw new InvalidOperationException("the server is not clustered");
        return new ClusterContext
        {
            Spec = engine.Spec,
            Location = engine.Location,
            Options = engine.Block,
            Diagnostics = diagnostics,
            ConfigDirectory = configDirectory,
            Services = services,
            Logger = logger ?? NullLogger.Instance,
            Time = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System,
            Self = self,
            Peers = options.Peers,
            Streams = streams,
            ClusterKey = options.Key,
            Member = member ?? IdleMember.Instance,
        };
    }

    /// <summary>The member of a check: nothing captured yet.</summary>
    private sealed class IdleMember : IClusterMember
    {
        public static readonly IdleMember Instance = new();

        public ClusterLoad Load => ClusterLoad.None;
    }
}
