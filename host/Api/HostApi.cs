using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;

namespace Sluice.Host.Api;

/// <summary>The host's own API: server facts, plugins, configuration reload.</summary>
internal static class HostApi
{
    public static void MapHostApi(this IEndpointRouteBuilder api, ServerState server, ConfigSource source, PluginManager plugins,
        IConfigurationReloader reloader)
    {
        api.MapGet("/api/v1/server", () => Results.Json(new
        {
            name = "sluice",
            version = HostInfo.Version,
            hostname = server.Core.Hostname,
            started_at = server.StartedAt,
            uptime_s = Math.Round(server.Uptime.TotalSeconds, 3),
            config = source.DisplayName,
            plugins_dir = plugins.PluginsDirectory,
        }));

        api.MapGet("/api/v1/plugins", () => Results.Json(new
        {
            plugins_dir = plugins.PluginsDirectory,
            plugins = plugins.Plugins.Select(p => ToJson(p, p.State == PluginState.Loaded ? plugins.UsersOf(p.Folder) : p.UsedBy)),
        }));

        // 422 with every error: the file's at FILE:LINE:COL, or the components that could not be built (then nothing changed).
        api.MapPost("/api/v1/config/reload", async (CancellationToken ct) =>
        {
            var result = await reloader.ReloadAsync(ct);
            var body = new
            {
                reloaded = result.Applied,
                errors = result.Errors,
                warnings = result.Warnings,
            };
            return Results.Json(body, statusCode: result.Applied ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
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
