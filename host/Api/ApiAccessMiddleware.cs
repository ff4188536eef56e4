using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Http;

namespace Sluice.Host.Api;

/// <summary>
/// Applies the current <see cref="ApiAccessPolicy"/> to every request under <c>/api/</c> and to every
/// endpoint that carries <see cref="ApiAccessMetadata"/> (<c>/metrics</c>, the dashboard's pages). Runs
/// after routing, so the endpoint is known.
/// </summary>
internal sealed class ApiAccessMiddleware(RequestDelegate next, Func<ApiAccessPolicy> policy)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api")
            && context.GetEndpoint()?.Metadata.GetMetadata<ApiAccessMetadata>() is null) return next(context);

        var current = policy();
        var remote = context.Connection.RemoteIpAddress;
        if (!current.IsAddressAllowed(remote))
            return Refuse(context, StatusCodes.Status403Forbidden, "API access is not allowed from this address (api_allowed_from)");

        var write = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
        // A browser holding the operator's credentials must not be made to write by another site's page.
        if (write && CrossSite(context.Request))
            return Refuse(context, StatusCodes.Status403Forbidden, "cross-site API writes are refused (the request came from another site's page)");
        switch (current.Authorize(write, context.Request.Headers.Authorization, remote))
        {
            case ApiVerdict.LoopbackOnly:
                return Refuse(context, StatusCodes.Status403Forbidden,
                    "API writes are accepted only from this machine while no edit_auth is set; set edit_auth USER PASSWORD; to allow them from the network");
            case ApiVerdict.NeedsCredentials:
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"sluice\"";
                return Refuse(context, StatusCodes.Status401Unauthorized,
                    !write ? "view_auth credentials required"
                    : current.EditAuth is null ? "view_auth credentials required (no edit_auth is set)"
                    : "edit_auth credentials required");
            default:
                return next(context);
        }
    }

    /// <summary>
    /// Browsers say where a request comes from (<c>Sec-Fetch-Site</c>, <c>Origin</c>); curl and scripts send
    /// neither and are not affected.
    /// </summary>
    private static bool CrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is not ("same-origin" or "none");
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static Task Refuse(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error });
    }
}
