using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;

namespace Sluice.Host.Cluster;

/// <summary>
/// Owns the cluster's global directives and binds <see cref="ClusterOptions"/>: <c>cluster_key KEY;</c>,
/// <c>peer HOST:PORT [{ fetch_timeout MS; stale_timeout MS; }]</c> (bare numbers are milliseconds, as in the
/// spec), <c>cluster_ingest_engine URL [{ ... }]</c> and <c>source HOST:PORT;</c>. The strategy that serves
/// the engine (a plugin) checks the engine's URL and block, and the peers.
/// </summary>
internal sealed class ClusterConfigSection(IPluginContributions contributions) : IContributionsSection
{
    /// <summary>Defaults of a <c>peer</c> line (documented in docs/cluster.md).</summary>
    public static readonly TimeSpan DefaultFetchTimeout = TimeSpan.FromSeconds(2), DefaultStaleTimeout = TimeSpan.FromSeconds(6);

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public IConfigSection For(IPluginContributions other) => ReferenceEquals(other, contributions) ? this : new ClusterConfigSection(other);

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new("cluster_key", "cluster_key KEY", 1, 1) { Repeatable = false },
        new("peer", "peer HOST:PORT [{ fetch_timeout MS; stale_timeout MS; }]", 1, 1, BlockUse.Optional,
        [
            new("fetch_timeout", "fetch_timeout MS", 1, 1) { Repeatable = false },
            new("stale_timeout", "stale_timeout MS", 1, 1) { Repeatable = false },
        ]),
        new("cluster_ingest_engine", "cluster_ingest_engine URL [{ options }]", 1, 1, BlockUse.Optional) { Repeatable = false },
        new("source", "source HOST:PORT", 1, 1),
    ];

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var options = new ClusterOptions();
        var peers = new List<ClusterPeer>();
        var peerAt = new Dictionary<string, SourceLocation>(StringComparer.OrdinalIgnoreCase);
        var origins = new List<string>();
        ConfigDirective? engine = null;
        foreach (var d in directives)
        {
            switch (d.Name)
            {
                case "cluster_key":
                    if (d.Arguments[0] is { IsKeyValue: false, Value.Length: > 0 } k) options = options with { Key = k.Value };
                    else diag.Error(d.Arguments[0].Location, "'cluster_key' expects a key (a word shared by every server of the group)");
                    break;
                case "peer":
                    if (BindPeer(d, diag) is not { } peer) break;
                    if (peerAt.TryGetValue(peer.Node.Name, out var first))
                        diag.Error(d.Arguments[0].Location, $"duplicate peer {peer.Node.Name} (first at {first.Line}:{first.Column})");
                    else
                    {
                        peerAt[peer.Node.Name] = d.Arguments[0].Location;
                        peers.Add(peer);
                    }
                    break;
                case "cluster_ingest_engine":
                    engine = d;
                    break;
                case "source":
                    if (HostPort(d.Arguments[0], diag, "source") is { } origin) origins.Add(origin);
                    break;
            }
        }
        options = options with { Peers = new(peers), Origins = new(origins) };
        if (options.Key is null)
        {
            if (peers.Count > 0) diag.Error(directives.First(d => d.Name == "peer").Location, "'peer' needs 'cluster_key KEY;': servers of a group authorize each other with it");
            if (origins.Count > 0) diag.Error(directives.First(d => d.Name == "source").Location, "'source' needs 'cluster_key KEY;': the origin authorizes the pull with it");
        }
        var engineOptions = engine is not null ? BindEngine(engine, diag)
            : peers.Count > 0 ? new EngineOptions(IClusterStrategyFactory.PeersEngine, IClusterStrategyFactory.PeersEngine, peers[0].Location, [], "peer")
            : null;
        if (engineOptions is null) return options;
        options = options with { Engine = engineOptions };
        Validate(options, context);
        return options;
    }

    /// <summary>The strategy serving the engine checks it; none loaded is an error (the file needs that plugin).</summary>
    private void Validate(ClusterOptions options, ConfigBindContext context)
    {
        var engine = options.Engine!;
        var factories = contributions.All<IClusterStrategyFactory>();
        var factory = Serving(factories, engine.Scheme);
        if (factory is null)
        {
            var engines = factories.SelectMany(EnginesOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            context.Diagnostics.Error(engine.Location, $"no cluster strategy serves '{engine.Scheme}' "
                + (engines.Length == 0 ? "(no cluster strategy plugin is loaded)" : $"(available: {string.Join(", ", engines)})"));
            return;
        }
        var reported = new DiagnosticList();
        try
        {
            factory.Validate(ClusterContexts.For(options, null, [], context.ConfigDirectory, reported, context.Services));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reported.Error(engine.Location, $"{factory.Name} failed to check it: {e.GetType().Name}: {e.Message}");
        }
        foreach (var item in reported.Items)
        {
            if (item.Severity == DiagnosticSeverity.Error) context.Diagnostics.Error(item.Location, item.Message);
            else context.Diagnostics.Warning(item.Location, item.Message);
        }
    }

    /// <summary>The loaded strategy that serves <paramref name="scheme"/>, or null.</summary>
    public static IClusterStrategyFactory? Serving(IReadOnlyList<IClusterStrategyFactory> factories, string scheme) =>
        factories.FirstOrDefault(f => EnginesOf(f).Contains(scheme, StringComparer.OrdinalIgnoreCase));

    private static IReadOnlyList<string> EnginesOf(IClusterStrategyFactory f)
    {
        try { return f.Engines ?? []; }
        catch (Exception e) when (e is not OutOfMemoryException) { return []; }
    }

    private static EngineOptions? BindEngine(ConfigDirective d, IConfigDiagnostics diag)
    {
        var a = d.Arguments[0];
        var text = a.Value;
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = sep > 0 ? text[..sep].ToLowerInvariant()
            : text.Equals(IClusterStrategyFactory.PeersEngine, StringComparison.OrdinalIgnoreCase) ? IClusterStrategyFactory.PeersEngine : null;
        if (a.IsKeyValue || scheme is null)
        {
            diag.Error(a.Location, $"'cluster_ingest_engine' expects an engine URL such as etcd://127.0.0.1:2379 (or 'peers'), got '{a.Text}'");
            return null;
        }
        return new EngineOptions(scheme, text, a.Location, d.Block ?? [], d.Text);
    }

    private static ClusterPeer? BindPeer(ConfigDirective d, IConfigDiagnostics diag)
    {
        if (HostPort(d.Arguments[0], diag, "peer") is not { } name) return null;
        var fetch = DefaultFetchTimeout;
        var stale = DefaultStaleTimeout;
        SourceLocation? staleAt = null;
        foreach (var c in d.Block ?? [])
        {
            var t = c.PositiveDuration(diag, 0, "a timeout in milliseconds", MaxTimeout, TimeSpan.FromMilliseconds(1));
            if (t is null) return null;
            if (c.Name == "fetch_timeout") fetch = t.Value;
            else
            {
                stale = t.Value;
                staleAt = c.Arguments[0].Location;
            }
        }
        if (stale < 2 * fetch)
        {
            diag.Warning(staleAt ?? d.Location, $"peer {name}: stale_timeout ({stale.TotalMilliseconds:0} ms) is less than twice fetch_timeout "
                + $"({fetch.TotalMilliseconds:0} ms): one late answer makes the peer dead and its streams are captured twice; use at least {2 * fetch.TotalMilliseconds:0} ms");
        }
        return new ClusterPeer(ClusterNode.Of(name), fetch, stale, d.Location);
    }

    /// <summary><c>HOST:PORT</c> (a name or an IPv4 address, and a port), canonically lower case.</summary>
    private static string? HostPort(ConfigArgument a, IConfigDiagnostics diag, string directive)
    {
        var text = a.Value;
        var colon = text.LastIndexOf(':');
        if (!a.IsKeyValue && colon > 0 && int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, null, out var port)
            && port is > 0 and < 65536 && Uri.CheckHostName(text[..colon]) is UriHostNameType.Dns or UriHostNameType.IPv4)
            return text[..colon].ToLowerInvariant() + ":" + port;
        diag.Error(a.Location, $"'{directive}' expects HOST:PORT (a server name or address and its HTTP port), got '{a.Text}'");
        return null;
    }
}
