using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;

namespace Sluice.Host.Api;

/// <summary>The host's own API: server facts, plugins, configuration reload.</summary>
internal static class HostApi
{
    public static void MapHostApi(this IEndpointRouteBuilder api, SluiceServer server)
    {
        api.MapGet("/api/v1/server", () => Results.Json(new
        {
            name = "sluice",
            version = HostInfo.Version,
            hostname = server.Core.Hostname,
            started_at = server.StartedAt,
            uptime_s = Math.Round(server.Uptime.TotalSeconds, 3),
            config = server.Source.DisplayName,
            plugins_dir = server.Plugins.PluginsDirectory,
        }));

        api.MapGet("/api/v1/plugins", () => Results.Json(new
        {
            plugins_dir = server.Plugins.PluginsDirectory,
            plugins = server.Plugins.Plugins.Select(p => ToJson(p, p.State == PluginState.Loaded ? server.Plugins.UsersOf(p.Folder) : p.UsedBy)),
        }));

        api.MapPost("/api/v1/config/reload", async (CancellationToken ct) =>
        {
            var result = await server.ReloadAsync(ct);
            var body = new
            {
                reloaded = result.Succeeded,
                errors = result.Errors.Select(d => d.ToString()),
                warnings = result.Warnings.Select(d => d.ToString()),
            };
            return Results.Json(body, statusCode: result.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
        });
    }

    /// <param name="usedBy">What of the configuration in force needs it (for a Removing plugin: what keeps it).</param>
    public static object ToJson(PluginInfo p, IReadOnlyList<string> usedBy) => new
    {
        name = p.Name,
        version = p.Version,
        description = p.Manifest?.Description,
        state = p.State.ToString().ToLowerInvariant(),
        error = p.Error,
        folder = p.Folder,
        loaded_at = p.LoadedAt,
        used_by = usedBy,
    };
}
