using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Abstractions.Http;

namespace Sluice.Dashboard;

/// <summary>
/// <c>GET /</c> (302 to the dashboard) and <c>GET /dashboard/FILE</c>. Guarded like the API (view access): the page
/// then calls the API from the same origin with the credentials the browser already holds; actions (stop a
/// stream, reload) are API writes and need edit access there.
/// </summary>
internal static class DashboardRoutes
{
    public const string Base = "/dashboard/";

    public static void Map(IEndpointRouteBuilder endpoints, EmbeddedFiles files)
    {
        endpoints.MapGet("/", () => Results.Redirect(Base))
            .WithSummary("Redirects to the web dashboard")
            .Produces(StatusCodes.Status302Found)
            .WithTags("dashboard")
            .RequireApiAccess();
        endpoints.MapGet("/dashboard/{**file}", (HttpContext http, string? file) => Serve(http, files, file))
            .WithSummary("The web dashboard's files (index.html when FILE is empty)")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .Produces(StatusCodes.Status304NotModified)
            .Produces(StatusCodes.Status404NotFound)
            .WithTags("dashboard")
            .RequireApiAccess();
    }

    private static IResult Serve(HttpContext http, EmbeddedFiles files, string? file)
    {
        if (files.Find(string.IsNullOrEmpty(file) ? "index.html" : file) is not { } found) return Results.NotFound();
        var headers = http.Response.Headers;
        headers.ETag = found.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        // The page loads only its own scripts and talks only to this server; no framing by other sites.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; worker-src 'self' blob:; "
            + "connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        if (http.Request.Headers.IfNoneMatch == found.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(found.Content, found.ContentType);
    }
}
