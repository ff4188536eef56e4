using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Sluice.Dvr.Playback;

/// <summary>
/// The playback routes: one catch-all pattern (stream names hold slashes) that only matches the DVR's paths,
/// so it never shadows the live HLS routes; and <c>/api/v1/streams/NAME/dvr</c>, ordered before the host's
/// <c>/api/v1/streams/{**name}</c> (the host's API access rules apply to it like to every <c>/api/</c> path).
/// </summary>
internal static class DvrRoutes
{
    public static void Map(IEndpointRouteBuilder endpoints, DvrHttp http)
    {
        var playback = RoutePatternFactory.Parse("/{**path}", defaults: null,
            parameterPolicies: new RouteValueDictionary { ["path"] = new Constraint(p => DvrPath.TryParse(p, out _)) });
        endpoints.Map(playback, http.HandleAsync)
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .WithDisplayName("DVR playback")
            // Catch-all routes told apart by a constraint: as OpenAPI paths they would be /{path} and a second
            // /api/v1/streams/{...} beside the host's; docs/dvr.md lists them.
            .ExcludeFromDescription();
        var api = RoutePatternFactory.Parse("/api/v1/streams/{**path}", defaults: null,
            parameterPolicies: new RouteValueDictionary { ["path"] = new Constraint(p => p.EndsWith("/dvr", StringComparison.Ordinal) && p.Length > 4) });
        endpoints.Map(api, http.HandleApiAsync)
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .WithDisplayName("DVR status API")
            .ExcludeFromDescription()
            .Add(b => ((RouteEndpointBuilder)b).Order = -1);
    }

    /// <summary>A route constraint from a predicate on the catch-all value (an instance: nothing to register in the host).</summary>
    private sealed class Constraint(Func<string, bool> accepts) : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && value is string path && accepts(path);
    }
}
