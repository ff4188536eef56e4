using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Sluice.Host.Api.Answers;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;

namespace Sluice.Host.Api;

/// <summary>The host's own API: server facts, plugins, configuration reload.</summary>
internal static class HostApi
{
    public static void MapHostApi(this IEndpointRouteBuilder api, ServerState server, ConfigSource source, PluginManager plugins,
        IConfigurationReloader reloader)
    {
        api.MapGet("/api/v1/server", () => TypedResults.Ok(new ServerAnswer(
                "sluice", HostInfo.Version, server.Core.Hostname, server.StartedAt, Math.Round(server.Uptime.TotalSeconds, 3),
                source.DisplayName, plugins.PluginsDirectory)))
            .WithSummary("Server facts: version, hostname, uptime since the listeners came up");

        api.MapGet("/api/v1/plugins", () => TypedResults.Ok(new PluginsAnswer(
                plugins.PluginsDirectory,
                plugins.Plugins.Select(p => ToJson(p, p.State == PluginState.Loaded ? plugins.UsersOf(p.Folder) : p.UsedBy)).ToArray())))
            .WithSummary("Every plugin folder with its state (loaded, failed, removing) and what of the configuration uses it");

        // 422 with every error: the file's at FILE:LINE:COL, or the components that could not be built (then nothing changed).
        api.MapPost("/api/v1/config/reload", async Task<JsonHttpResult<ReloadAnswer>> (CancellationToken ct) =>
            {
                var result = await reloader.ReloadAsync(ct);
                var body = new ReloadAnswer(result.Applied, result.Errors.ToArray(), result.Warnings.ToArray());
                return TypedResults.Json(body, statusCode: result.Applied ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
            })
            .WithSummary("Reload the configuration file; one that cannot be applied whole changes nothing")
            .Produces<ReloadAnswer>(StatusCodes.Status200OK)
            .Produces<ReloadAnswer>(StatusCodes.Status422UnprocessableEntity);
    }

    /// <param name="usedBy">What of the configuration in force needs it (for a Removing plugin: what keeps it).</param>
    public static PluginAnswer ToJson(PluginInfo p, IReadOnlyList<string> usedBy) =>
        new(p.Name, p.Version, p.Manifest?.Description, p.State.ToString().ToLowerInvariant(), p.Error, p.Folder, p.LoadedAt, usedBy);
}
