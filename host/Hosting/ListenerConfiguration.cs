using System.Net;
using Microsoft.Extensions.Configuration;

namespace Sluice.Host.Hosting;

/// <summary>
/// Kestrel's endpoints as an in-memory configuration. Kestrel watches it (reloadOnChange), so a
/// reload that changes the <c>http</c> directives re-binds only the listeners that changed.
/// </summary>
internal sealed class ListenerConfiguration : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public IReadOnlyList<IPEndPoint> Current { get; private set; } = [];

    /// <summary>The <c>https</c> listeners (their certificate comes from Kestrel's HTTPS defaults).</summary>
    public IReadOnlyList<IPEndPoint> CurrentHttps { get; private set; } = [];

    public void Set(IReadOnlyList<IPEndPoint> listeners, IReadOnlyList<IPEndPoint>? https = null)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < listeners.Count; i++)
        {
            data[$"Endpoints:http{i}:Url"] = "http://" + UrlHost(listeners[i]);
        }
        https ??= [];
        for (var i = 0; i < https.Count; i++)
        {
            data[$"Endpoints:https{i}:Url"] = "https://" + UrlHost(https[i]);
        }
        Current = listeners;
        CurrentHttps = https;
        Data = data;
        OnReload();
    }

    /// <summary>Any-address listeners bind every interface, as <c>http 8080;</c> does in Flussonic.</summary>
    private static string UrlHost(IPEndPoint ep) =>
        ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? $"*:{ep.Port}" : ep.ToString();
}
