using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Plugins;

namespace Sluice.Host.Cli;

/// <summary>
/// The plugins of the host running with a configuration, from its API (<c>/api/v1/plugins</c>) on the
/// configuration's first <c>http</c> address: what it runs now (a plugin waiting to be removed included)
/// rather than what plugins_dir holds. Null when no host answers there for that very configuration file.
/// </summary>
internal static class RunningHostPlugins
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public sealed record Listing(string Url, string PluginsDirectory, IReadOnlyList<PluginInfo> Plugins);

    public static async Task<Listing?> TryGetAsync(ConfigSource source, CancellationToken cancellationToken)
    {
        if (CoreOptionsOf(source) is not { Http.Count: > 0 } core) return null;
        var endpoint = core.Http[0];
        var address = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : endpoint.Address;
        var url = $"http://{new IPEndPoint(address, endpoint.Port)}";
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = Timeout };
        if ((core.ViewAuth ?? core.EditAuth) is { } auth)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{auth.User}:{auth.Password}")));
        }
        try
        {
            using var server = JsonDocument.Parse(await http.GetStringAsync("/api/v1/server", cancellationToken));
            if (server.RootElement.GetProperty("config").GetString() != source.DisplayName) return null;   // another configuration's host
            using var plugins = JsonDocument.Parse(await http.GetStringAsync("/api/v1/plugins", cancellationToken));
            var root = plugins.RootElement;
            return new Listing(url, root.GetProperty("plugins_dir").GetString() ?? "", root.GetProperty("plugins").EnumerateArray().Select(Read).ToArray());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static PluginInfo Read(JsonElement p)
    {
        var name = p.GetProperty("name").GetString() ?? "";
        var state = Enum.TryParse<PluginState>(p.GetProperty("state").GetString(), ignoreCase: true, out var s) ? s : PluginState.Failed;
        var manifest = new PluginManifest
        {
            Name = name, Version = p.GetProperty("version").GetString() ?? "-", EntryAssembly = "", AbstractionsVersion = "",
            Description = p.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "",
        };
        return new PluginInfo(p.GetProperty("folder").GetString() ?? "", state, manifest, p.GetProperty("error").GetString(), null)
        {
            UsedBy = p.TryGetProperty("used_by", out var used) ? used.EnumerateArray().Select(u => u.GetString() ?? "").ToArray() : [],
        };
    }

    /// <summary>The core directives alone (http, view_auth...): they bind even when a plugin-owned part of the file does not.</summary>
    private static CoreOptions? CoreOptionsOf(ConfigSource source)
    {
        try
        {
            var diagnostics = new DiagnosticBag();
            var tree = new ConfigDocumentReader(diagnostics).ReadString(source.ReadText(), source.DisplayName, source.Directory);
            var section = new CoreConfigSection();
            var names = section.Directives.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            return section.Bind(tree.Where(t => names.Contains(t.Name)).ToArray(), new ConfigBindContext(diagnostics, source.Directory, EmptyServices.Instance)) as CoreOptions;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
