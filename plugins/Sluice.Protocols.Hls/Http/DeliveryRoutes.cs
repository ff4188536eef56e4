using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Sluice.Protocols.Hls.Http;

/// <summary>
/// The delivery routes: one catch-all pattern (stream names hold slashes) restricted by
/// <see cref="DeliveryPathConstraint"/> to <c>…/index.m3u8</c>, <c>…/mono.m3u8</c>, <c>…/segment-N.ts</c>
/// and <c>…/mpegts</c>; GET/HEAD play, PUT/POST publish.
/// </summary>
internal static class DeliveryRoutes
{
    public static void Map(IEndpointRouteBuilder endpoints, HlsDelivery delivery)
    {
        var pattern = RoutePatternFactory.Parse("/{**path}", defaults: null,
            parameterPolicies: new RouteValueDictionary { ["path"] = new DeliveryPathConstraint() });
        endpoints.Map(pattern, delivery.HandlePlayAsync)
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .WithDisplayName("HLS and MPEG-TS delivery")
            .WithSummary("Play a stream or file: NAME/index.m3u8, NAME/mono.m3u8, NAME/segment-N.ts, NAME/mpegts")
            .WithDescription("`path` is a stream name (it may hold '/') or a `file` prefix's FILE, then one of `index.m3u8`, `mono.m3u8` "
                + "(HLS playlists), `segment-N.ts` (a segment) or `mpegts` (continuous MPEG-TS). 503 with Retry-After while a stream "
                + "has not produced its first segment, or when max_sessions is reached.")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, null, ["application/vnd.apple.mpegurl", "video/mp2t"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, null, ["text/plain"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, null, ["text/plain"]));
        endpoints.Map(pattern, delivery.HandlePublishAsync)
            .WithMetadata(new HttpMethodMetadata(["PUT", "POST"]))
            .WithDisplayName("MPEG-TS publishing")
            .WithSummary("Publish MPEG-TS to NAME/mpegts (a stream under a live prefix, or one whose input is publish://)")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status204NoContent))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, null, ["text/plain"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status405MethodNotAllowed, null, ["text/plain"]));
    }
}
