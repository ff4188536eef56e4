using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Host.Cluster;

/// <summary>
/// <c>cluster_key</c>, <c>peer</c>, <c>cluster_ingest_engine</c> and <c>source</c> as bound by
/// <see cref="ClusterConfigSection"/>. Value equality (a reload compares it); the key is never printed.
/// </summary>
internal sealed record ClusterOptions
{
    public static readonly ClusterOptions None = new();

    /// <summary><c>cluster_key</c>: null when not set.</summary>
    public string? Key { get; init; }

    public ValueList<ClusterPeer> Peers { get; init; } = ValueList<ClusterPeer>.Empty;

    /// <summary>The engine: <c>etcd://...</c> as written, or <see cref="IClusterStrategyFactory.PeersEngine"/>; null when the server is not clustered.</summary>
    public EngineOptions? Engine { get; init; }

    /// <summary><c>source HOST:PORT;</c> lines: origins streams unknown here are pulled from, in order.</summary>
    public ValueList<string> Origins { get; init; } = ValueList<string>.Empty;

    /// <summary>True when cluster_ingest streams are placed by a strategy (peers or an engine).</summary>
    public bool Active => Engine is not null;

    /// <summary>Never shows the key.</summary>
    public override string ToString() =>
        $"ClusterOptions {{ Key = {(Key is null ? "none" : SecretText.Mask)}, Peers = {Peers.Count}, Engine = {Engine?.Scheme ?? "none"}, Origins = {Origins.Count} }}";
}

/// <summary>
/// <c>cluster_ingest_engine URL [{ options }];</c>, or the peer polling implied by <c>peer</c> lines
/// (<see cref="Scheme"/> <c>peers</c>, <see cref="Spec"/> <c>peers</c>).
/// </summary>
internal sealed record EngineOptions(string Scheme, string Spec, SourceLocation Location, IReadOnlyList<ConfigDirective> Block, string Text)
{
    public bool Equals(EngineOptions? other) => other is not null && Text == other.Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
}
