using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Sluice.Protocols.Hls.Http;

/// <summary>
/// Lets the catch-all delivery route match only delivery paths, so it never shadows other routes
/// (an instance in the pattern: nothing to register in the host's constraint map).
/// </summary>
internal sealed class DeliveryPathConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string path && DeliveryPath.TryParse(path, out _);
}
