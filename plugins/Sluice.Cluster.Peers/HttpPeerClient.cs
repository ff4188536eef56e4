using System.Net.Http.Json;
using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Peers;

/// <summary>Asks a peer's host what it captures: <c>GET /cluster/v1/status</c> with the cluster key in a header.</summary>
internal interface IPeerClient : IDisposable
{
    Task<ClusterLoad> AskAsync(ClusterNode peer, CancellationToken cancellationToken);
}

internal sealed class HttpPeerClient(string? key) : IPeerClient
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each poll has its own deadline (fetch_timeout)
    };

    public async Task<ClusterLoad> AskAsync(ClusterNode peer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(peer.Url, ClusterProtocol.StatusPath));
        if (key is not null) request.Headers.TryAddWithoutValidation(ClusterProtocol.KeyHeader, key);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{peer.Name} answered {(int)response.StatusCode}" + (response.StatusCode == System.Net.HttpStatusCode.Forbidden ? " (cluster_key refused: is it the same on every server?)" : ""));
        var answer = await response.Content.ReadFromJsonAsync<PeerStatusAnswer>(cancellationToken).ConfigureAwait(false);
        return answer?.Load ?? throw new HttpRequestException($"{peer.Name} answered no status");
    }

    public void Dispose() => _http.Dispose();
}
