using Microsoft.AspNetCore.Builder;
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
            .WithDisplayName("HLS and MPEG-TS delivery");
        endpoints.Map(pattern, delivery.HandlePublishAsync)
            .WithMetadata(new HttpMethodMetadata(["PUT", "POST"]))
            .WithDisplayName("MPEG-TS publishing");
    }
}
