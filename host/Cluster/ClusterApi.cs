using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Abstractions.Cluster;

namespace Sluice.Host.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster</c> (the strategy, every peer, where each cluster stream is captured) and the
/// peer-status route <see cref="ClusterProtocol.StatusPath"/> that servers poll each other with
/// (authorized by <see cref="ClusterKeyMiddleware"/>).
/// </summary>
internal static class ClusterApi
{
    public static void MapClusterApi(this IEndpointRouteBuilder api, ClusterCoordinator cluster)
    {
        api.MapGet(ClusterProtocol.StatusPath, () => Results.Json(new PeerStatusAnswer(cluster.Self?.Name ?? "", cluster.Load)))
            .WithSummary("For the cluster's peers (cluster_key): what this server captures and its load")
            .Produces(StatusCodes.Status200OK).Produces(StatusCodes.Status403Forbidden);   // 403: no or another cluster_key

        api.MapGet("/api/v1/cluster", () =>
        {
            var strategy = cluster.Strategy;
            var load = cluster.Load;
            var peers = Safe(() => strategy?.Peers) ?? [];
            var placement = Safe(() => strategy?.Placement) ?? [];
            return Results.Json(new
            {
                strategy = cluster.StrategyName,
                clustered = cluster.Options.Active,
                self = cluster.Self?.Name,
                cluster_key = cluster.Options.Key is null ? "none" : "set",
                origins = cluster.Options.Origins,
                peers = peers.Select(p => new
                {
                    name = p.Node.Name,
                    url = p.Node.Url.ToString(),
                    self = p.IsSelf,
                    alive = p.Alive,
                    last_answer = p.LastAnswer,
                    streams = p.IsSelf ? load.Captured : p.Load?.Captured ?? [],
                    load = p.IsSelf ? new { streams = load.Captured.Count, viewers = load.Viewers }
                        : p.Load is { } l ? new { streams = l.Captured.Count, viewers = l.Viewers } : null,
                }),
                streams = placement.OrderBy(p => p.Stream, StringComparer.Ordinal).Select(p => new
                {
                    name = p.Stream,
                    server = p.Owner?.Name,
                    url = p.Owner?.Url.ToString(),
                    since = p.Owner is null ? (DateTimeOffset?)null : p.Since,
                    captured_here = load.Captured.Contains(p.Stream),
                }),
            });
        }).WithSummary("Cluster ingest: the strategy, every peer and where each cluster_ingest stream is captured");
    }

    private static T? Safe<T>(Func<T?> read) where T : class
    {
        try { return read(); }
        catch (Exception e) when (e is not OutOfMemoryException) { return null; }
    }
}
