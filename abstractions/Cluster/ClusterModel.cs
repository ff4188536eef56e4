using System.Text.Json.Serialization;
using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Cluster;

/// <summary>One server of a group: its name (<c>HOST:PORT</c> as the <c>peer</c> line writes it) and its HTTP address.</summary>
public sealed record ClusterNode(string Name, Uri Url)
{
    /// <summary>The node of <c>HOST:PORT</c>, reached over plain HTTP.</summary>
    public static ClusterNode Of(string hostPort) => new(hostPort, new Uri("http://" + hostPort + "/"));

    /// <summary>The host part of <see cref="Name"/> (what <c>capture_at=HOST</c> may name).</summary>
    public string Host => Name.LastIndexOf(':') is var colon and > 0 ? Name[..colon] : Name;
}

/// <summary><c>peer HOST:PORT { fetch_timeout MS; stale_timeout MS; }</c>.</summary>
public sealed record ClusterPeer(ClusterNode Node, TimeSpan FetchTimeout, TimeSpan StaleTimeout, SourceLocation Location);

/// <summary>A <c>cluster_ingest [capture_at=SERVER];</c> stream.</summary>
public sealed record ClusterStream(string Name, string? CaptureAt);

/// <summary>Where a cluster stream is captured: <see cref="Owner"/> (null: nowhere now), since <see cref="Since"/>.</summary>
public sealed record StreamPlacement(string Stream, ClusterNode? Owner, DateTimeOffset Since);

/// <summary>A server's load: the streams it captures and its viewers.</summary>
public sealed record ClusterLoad(
    [property: JsonPropertyName("streams")] IReadOnlyList<string> Captured,
    [property: JsonPropertyName("viewers")] int Viewers)
{
    public static readonly ClusterLoad None = new([], 0);
}

/// <summary>One server as a strategy sees it: alive or not, when it last answered, what it captures.</summary>
public sealed record ClusterPeerStatus(ClusterNode Node, bool IsSelf, bool Alive, DateTimeOffset? LastAnswer, ClusterLoad? Load);

/// <summary>
/// The host's peer-status route, which strategies that poll peers ask: <c>GET <see cref="StatusPath"/></c>
/// with the <c>cluster_key</c> in <see cref="KeyHeader"/>; a wrong or missing key is refused with 403.
/// </summary>
public static class ClusterProtocol
{
    public const string StatusPath = "/cluster/v1/status";

    /// <summary>The header that carries <c>cluster_key</c> between servers.</summary>
    public const string KeyHeader = "X-Sluice-Cluster-Key";

    /// <summary>The query parameter that carries it where no header can be set (an origin pull, <c>tshttp://</c>).</summary>
    public const string KeyQuery = "cluster_key";
}

/// <summary>The answer of <see cref="ClusterProtocol.StatusPath"/>.</summary>
public sealed record PeerStatusAnswer(
    [property: JsonPropertyName("server")] string Server,
    [property: JsonPropertyName("load")] ClusterLoad Load);
