using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Sluice.Host.Api.Answers;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;

namespace Sluice.Host.Api;

/// <summary>The host's own API: server facts, plugins, configuration reload.</summary>
internal static class HostApi
{
    public static void MapHostApi(this IEndpointRouteBuilder api, SluiceServer server)
    {
        api.MapGet("/api/v1/server", () => TypedResults.Ok(new ServerAnswer(
                "sluice", HostInfo.Version, server.Core.Hostname, server.StartedAt, Math.Round(server.Uptime.TotalSeconds, 3),
                server.Source.DisplayName, server.Plugins.PluginsDirectory)))
            .WithSummary("Server facts: version, hostname, uptime since the listeners came up");

        api.MapGet("/api/v1/plugins", () => TypedResults.Ok(new PluginsAnswer(
                server.Plugins.PluginsDirectory,
                server.Plugins.Plugins.Select(p => ToJson(p, p.State == PluginState.Loaded ? server.Plugins.UsersOf(p.Folder) : p.UsedBy)).ToArray())))
            .WithSummary("Every plugin folder with its state (loaded, failed, removing) and what of the configuration uses it");

        api.MapPost("/api/v1/config/reload", async Task<JsonHttpResult<ReloadAnswer>> (CancellationToken ct) =>
            {
                var result = await server.ReloadAsync(ct);
                var body = new ReloadAnswer(result.Succeeded, result.Errors.Select(d => d.ToString()).ToArray(),
                    result.Warnings.Select(d => d.ToString()).ToArray());
                return TypedResults.Json(body, statusCode: result.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
            })
            .WithSummary("Reload the configuration file; an invalid one changes nothing")
            .Produces<ReloadAnswer>(StatusCodes.Status200OK)
            .Produces<ReloadAnswer>(StatusCodes.Status422UnprocessableEntity);
    }

    /// <param name="usedBy">What of the configuration in force needs it (for a Removing plugin: what keeps it).</param>
    public static PluginAnswer ToJson(PluginInfo p, IReadOnlyList<string> usedBy) =>
        new(p.Name, p.Version, p.Manifest?.Description, p.State.ToString().ToLowerInvariant(), p.Error, p.Folder, p.LoadedAt, usedBy);
}
