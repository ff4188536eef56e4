using Microsoft.AspNetCore.Http;

namespace Sluice.Host.Api;

/// <summary>Applies the current <see cref="ApiAccessPolicy"/> to every request under <c>/api/</c>.</summary>
internal sealed class ApiAccessMiddleware(RequestDelegate next, Func<ApiAccessPolicy> policy)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api")) return next(context);

        var current = policy();
        var remote = context.Connection.RemoteIpAddress;
        if (!current.IsAddressAllowed(remote))
            return Refuse(context, StatusCodes.Status403Forbidden, "API access is not allowed from this address (api_allowed_from)");

        var write = !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
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

    private static Task Refuse(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error });
    }
}
