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

    public void Set(IReadOnlyList<IPEndPoint> listeners)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < listeners.Count; i++)
        {
            data[$"Endpoints:http{i}:Url"] = "http://" + UrlHost(listeners[i]);
        }
        Current = listeners;
        Data = data;
        OnReload();
    }

    /// <summary>Any-address listeners bind every interface, as <c>http 8080;</c> does in Flussonic.</summary>
    private static string UrlHost(IPEndPoint ep) =>
        ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? $"*:{ep.Port}" : ep.ToString();
}
