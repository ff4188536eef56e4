using Microsoft.AspNetCore.Http;

namespace Sluice.Host.Api;

/// <summary>Applies the current <see cref="ApiAccessPolicy"/> to every request under <c>/api/</c>.</summary>
internal sealed class ApiAccessMiddleware(RequestDelegate next, Func<ApiAccessPolicy> policy)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api")) return next(context);

        var current = policy();
        if (!current.IsAddressAllowed(context.Connection.RemoteIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsJsonAsync(new { error = "API access is not allowed from this address (api_allowed_from)" });
        }

        var write = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
        if (!current.IsAuthorized(write, context.Request.Headers.Authorization))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"sluice\"";
            return context.Response.WriteAsJsonAsync(new { error = write ? "edit_auth credentials required" : "view_auth credentials required" });
        }
        return next(context);
    }
}
