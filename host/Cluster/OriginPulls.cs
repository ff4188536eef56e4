using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Streams;

namespace Sluice.Host.Cluster;

/// <summary>
/// <c>source HOST:PORT;</c>: a stream a viewer asks for and that this server does not have is pulled on
/// demand, as an <c>ondemand</c> stream whose inputs are <c>tshttp://HOST:PORT/NAME/mpegts</c> of each
/// origin in order (the MPEG-TS source reads them; the key in the query authorizes the pull, and is masked
/// wherever URLs are shown). It stops after <c>clients_timeout</c> without viewers, like any on-demand stream.
/// </summary>
internal sealed class OriginPulls(IReadOnlyList<string> origins, string? key)
{
    public static readonly OriginPulls None = new([], null);

    public StreamOptions? For(string name)
    {
        if (origins.Count == 0 || key is null || !StreamNames.IsValid(name, out _)) return null;
        var inputs = origins.Select(o =>
        {
            var url = $"tshttp://{o}/{Uri.EscapeDataString(name).Replace("%2F", "/")}/mpegts?{ClusterProtocol.KeyQuery}={Uri.EscapeDataString(key)}";
            return new InputOptions(url, new Uri(url), new SourceLocation("source", 1, 1), []);
        }).ToList();
        return new StreamOptions
        {
            Name = name,
            Kind = StreamKind.OnDemand,
            Inputs = new(inputs),
            Text = "source " + string.Join(",", origins),
            IsPulled = true,
            FeatureBlock = "",
        };
    }
}
