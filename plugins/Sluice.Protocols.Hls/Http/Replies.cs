using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Protocols.Hls.Http;

/// <summary>Short plain-text error replies and response headers shared by the endpoints.</summary>
internal static class Replies
{
    public const string PlaylistType = "application/vnd.apple.mpegurl";
    public const string TransportStreamType = "video/mp2t";

    public static Task TextAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : http.Response.WriteAsync(message + "\n", Encoding.UTF8, http.RequestAborted);
    }

    public static Task NotFoundAsync(HttpContext http, string what) => TextAsync(http, StatusCodes.Status404NotFound, what + " not found");

    /// <summary>
    /// 302 to the same path and query on <paramref name="server"/>: a cluster stream captured there (the
    /// viewer may enter the group anywhere). Not cached: the stream may move.
    /// </summary>
    public static Task RedirectAsync(HttpContext http, Uri server)
    {
        var target = new UriBuilder(server) { Path = http.Request.PathBase + http.Request.Path, Query = http.Request.QueryString.Value?.TrimStart('?') ?? "" };
        http.Response.Headers.Location = target.Uri.AbsoluteUri;
        return TextAsync(http, StatusCodes.Status302Found, "captured on " + server.Authority);
    }

    /// <summary>max_sessions reached: 503 so players retry later (documented in docs/hls.md).</summary>
    public static Task SessionsFullAsync(HttpContext http) => TextAsync(http, StatusCodes.Status503ServiceUnavailable, "max_sessions reached");

    /// <summary>Writes a whole body (nothing for HEAD) with its length.</summary>
    public static async Task BodyAsync(HttpContext http, string contentType, ReadOnlyMemory<byte> body, bool cache)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        http.Response.Headers.CacheControl = cache ? "max-age=60" : "no-cache";
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }

    public static string ClientIp(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "";

    public static string? UserAgent(HttpContext http) =>
        http.Request.Headers.UserAgent is { Count: > 0 } agent ? agent.ToString() : null;
}
