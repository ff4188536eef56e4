using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Access;
using Sluice.Protocols.Hls.Sessions;

namespace Sluice.Protocols.Hls.Http;

internal sealed partial class HlsDelivery
{
    /// <summary>Asks the host's authorizer (when it has one) about the session <paramref name="viewer"/> opens.</summary>
    private Task<AccessDecision> AuthorizeAsync(HttpContext http, AccessKind kind, string name, string protocol, PlayViewer? viewer)
    {
        if (_access is null) return Task.FromResult(AccessDecision.Allow);
        var query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "";
        return _access.AuthorizeAsync(new AccessRequest
        {
            Kind = kind, Name = name, Protocol = protocol, Ip = Replies.ClientIp(http), SessionId = viewer?.SessionId ?? Guid.NewGuid().ToString("N"),
            Query = query, UserAgent = Replies.UserAgent(http),
            Referer = http.Request.Headers.Referer is { Count: > 0 } referer ? referer.ToString() : null,
        }, CancellationToken.None).AsTask();
    }

    /// <summary>
    /// Waits for the session's authorization: true to serve; false when refused (403 written, the session
    /// closed so the next request asks again).
    /// </summary>
    private async Task<bool> AdmittedAsync(HttpContext http, PlayViewer viewer)
    {
        var decision = await viewer.Authorization.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        if (decision.Allowed)
        {
            viewer.Connected();
            return true;
        }
        viewer.Dispose();
        await Replies.TextAsync(http, StatusCodes.Status403Forbidden, "not authorized").ConfigureAwait(false);
        return false;
    }

    /// <summary>The authorize callback of a grouped HLS session.</summary>
    private Func<PlayViewer, Task<AccessDecision>>? HlsAuthorization(HttpContext http, string name) =>
        _access is null ? null : viewer => AuthorizeAsync(http, AccessKind.Play, name, "hls", viewer);
}
