using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Sluice.Thumbnails;

/// <summary><c>GET /NAME/preview.jpg</c>: the stream's newest thumbnail (NAME may hold '/'), 404 until there is one.</summary>
internal static class PreviewRoute
{
    public const string Suffix = "/preview.jpg";

    public static void Map(IEndpointRouteBuilder endpoints, ThumbnailStore store)
    {
        var pattern = RoutePatternFactory.Parse("/{**path}", defaults: null,
            parameterPolicies: new RouteValueDictionary { ["path"] = new PreviewPathConstraint() });
        endpoints.Map(pattern, http => Serve(http, store))
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .WithDisplayName("Stream thumbnail")
            .WithSummary("The newest thumbnail of a stream with `thumbnails;`: NAME/preview.jpg")
            .WithDescription("`path` is NAME/preview.jpg (NAME may hold '/'). Answers 304 to If-None-Match with the current ETag.")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, null, ["image/jpeg"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, null, ["text/plain"]));
    }

    private static async Task Serve(HttpContext http, ThumbnailStore store)
    {
        var path = (string)http.Request.RouteValues["path"]!;
        var name = path[..^Suffix.Length];
        http.Response.Headers.AccessControlAllowOrigin = "*";
        if (store.Newest(name) is not { } thumbnail)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsync($"no thumbnail of stream {name} (yet): it needs thumbnails; in its block, and a keyframe\n");
            return;
        }
        http.Response.Headers.ETag = thumbnail.ETag;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.LastModified = thumbnail.MadeAt.ToString("R");
        if (http.Request.Headers.IfNoneMatch == thumbnail.ETag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        http.Response.ContentType = "image/jpeg";
        http.Response.ContentLength = thumbnail.Jpeg.Length;
        if (HttpMethods.IsHead(http.Request.Method)) return;
        await http.Response.Body.WriteAsync(thumbnail.Jpeg);
    }

    /// <summary>Matches only NAME/preview.jpg, so the catch-all never shadows other routes.</summary>
    private sealed class PreviewPathConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && value is string path
            && path.Length > Suffix.Length && path.EndsWith(Suffix, StringComparison.Ordinal) && !path.StartsWith("api/", StringComparison.Ordinal);
    }
}
