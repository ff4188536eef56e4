using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Host.Cluster;

/// <summary>
/// The cluster as a configuration stage, between notify and streams: nothing to build ahead (a strategy that
/// cannot be created or started is reported and captures nothing), and its commit hands the configuration to
/// the <see cref="ClusterCoordinator"/> before the streams stage starts any cluster stream.
/// </summary>
internal sealed class ClusterStage(ClusterCoordinator cluster) : IConfigurationStage
{
    public string Name => "cluster";

    public Task<IStagedChange> PrepareAsync(SluiceConfiguration configuration, CancellationToken cancellationToken) =>
        Task.FromResult<IStagedChange>(new StagedChange(ct => cluster.ApplyAsync(configuration, ct).AsTask()));
}

/// <summary>Stops the cluster strategy before the streams stop and the plugins (its code) unload: its leases are revoked at once.</summary>
internal sealed class ClusterService(ClusterCoordinator cluster) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => cluster.DisposeAsync().AsTask();
}
