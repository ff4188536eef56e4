using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;

namespace Sluice.Host.Cluster;

/// <summary>
/// Checks the <c>cluster_key</c> a request presents (header <see cref="ClusterProtocol.KeyHeader"/> or query
/// <see cref="ClusterProtocol.KeyQuery"/>), in constant time. A wrong key is refused with 403 and logged with
/// the client's address, never echoed; the right one marks the request as a peer's (<see cref="PeerRequest"/>).
/// The peer-status route needs the key; other requests without one go on as usual.
/// </summary>
internal sealed class ClusterKeyMiddleware(RequestDelegate next, Func<string?> key, ILogger log)
{
    public Task InvokeAsync(HttpContext context)
    {
        var presented = context.Request.Headers.TryGetValue(ClusterProtocol.KeyHeader, out var header) ? header.ToString()
            : context.Request.Query.TryGetValue(ClusterProtocol.KeyQuery, out var query) ? query.ToString()
            : null;
        var isStatus = context.Request.Path.Equals(ClusterProtocol.StatusPath, StringComparison.Ordinal);
        if (presented is null)
            return isStatus ? RefuseAsync(context, "cluster_key required") : next(context);
        if (!Matches(presented, key()))
        {
            log.LogWarning("refused {Method} {Path} from {Client}: wrong cluster_key", context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress);
            return RefuseAsync(context, "wrong cluster_key");
        }
        PeerRequest.Mark();
        return next(context);
    }

    /// <summary>Constant time for keys of equal length (a hash makes every length equal).</summary>
    public static bool Matches(string presented, string? expected)
    {
        if (expected is null) return false;
        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    private static Task RefuseAsync(HttpContext context, string error)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(new { error });
    }
}
