using Microsoft.AspNetCore.Builder;

namespace Sluice.Abstractions.Http;

/// <summary>
/// Endpoint metadata asking the host to guard a route like its API: <c>api_allowed_from</c> limits who may
/// reach it, reads (GET, HEAD) need view access (<c>view_auth</c>) and every other method edit access
/// (<c>edit_auth</c>; without it, loopback clients only). Routes under <c>/api/</c> are guarded anyway;
/// a plugin's pages elsewhere (a dashboard) add it with <see cref="ApiAccessExtensions.RequireApiAccess{TBuilder}"/>.
/// </summary>
public sealed class ApiAccessMetadata
{
    public static readonly ApiAccessMetadata Instance = new();

    private ApiAccessMetadata()
    {
    }
}

public static class ApiAccessExtensions
{
    /// <summary>Guards the endpoints like the host's API (see <see cref="ApiAccessMetadata"/>).</summary>
    public static TBuilder RequireApiAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiAccessMetadata.Instance);
}
