using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Dvr.Playback;

/// <summary>Short plain-text replies and whole bodies.</summary>
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

    public static async Task BodyAsync(HttpContext http, string contentType, ReadOnlyMemory<byte> body, string cacheControl)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        http.Response.Headers.CacheControl = cacheControl;
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
    }
}
