using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace Sluice.Host.Api.OpenApi;

/// <summary>
/// Routes that the generator cannot describe because they were mapped with a bare request delegate (a
/// protocol's catch-all delivery route, say) are added from what their metadata says: the pattern, the
/// methods, the summary and description, the answers declared with <c>Produces</c>. "Every route" holds.
/// </summary>
internal static class RawEndpoints
{
    public static void AddTo(OpenApiDocument document, EndpointDataSource endpoints)
    {
        document.Paths ??= new OpenApiPaths();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var metadata = endpoint.Metadata;
            if (metadata.GetMetadata<System.Reflection.MethodInfo>() is not null) continue; // the generator described it
            if (metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }) continue;
            if (metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } methods) continue;
            var (path, parameters) = PathOf(endpoint.RoutePattern);
            if (!document.Paths.TryGetValue(path, out var found) || found is not OpenApiPathItem item)
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }
            item.Operations ??= new Dictionary<HttpMethod, OpenApiOperation>();
            foreach (var method in methods.HttpMethods)
            {
                var key = HttpMethod.Parse(method);
                if (item.Operations.ContainsKey(key)) continue;
                var operation = new OpenApiOperation
                {
                    Summary = metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary ?? endpoint.DisplayName,
                    Description = metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
                    OperationId = OperationId(method, path),
                    Parameters = parameters.Select(IOpenApiParameter (p) => new OpenApiParameter
                    {
                        Name = p, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    }).ToList(),
                    Tags = metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags).DefaultIfEmpty(ApiDocument.TagOf(path))
                        .Select(t => new OpenApiTagReference(t, document)).ToHashSet(),
                    Responses = Responses(metadata),
                };
                if (ApiDocument.IsGuarded(metadata, path)) ApiDocument.Mark(operation);
                item.Operations[key] = operation;
            }
        }
    }

    private static OpenApiResponses Responses(EndpointMetadataCollection metadata)
    {
        var responses = new OpenApiResponses();
        foreach (var produces in metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
        {
            var code = produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (responses.ContainsKey(code)) continue;
            var response = new OpenApiResponse { Description = produces.Description ?? ReasonPhrases.GetReasonPhrase(produces.StatusCode) };
            if (produces.ContentTypes.Any())
            {
                response.Content = produces.ContentTypes.ToDictionary(c => c, _ => new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                });
            }
            responses[code] = response;
        }
        if (responses.Count == 0) responses["200"] = new OpenApiResponse { Description = "OK" };
        if (!responses.Keys.Any(k => k.StartsWith('4'))) responses["404"] = new OpenApiResponse { Description = "No such resource" };
        return responses;
    }

    /// <summary><c>/{**path}</c> reads <c>/{path}</c> in OpenAPI (which has no catch-all: the value may hold '/').</summary>
    private static (string Path, List<string> Parameters) PathOf(RoutePattern pattern)
    {
        var parameters = new List<string>();
        var segments = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            var text = "";
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal: text += literal.Content; break;
                    case RoutePatternSeparatorPart separator: text += separator.Content; break;
                    case RoutePatternParameterPart parameter:
                        text += "{" + parameter.Name + "}";
                        parameters.Add(parameter.Name);
                        break;
                }
            }
            segments.Add(text);
        }
        return ("/" + string.Join('/', segments), parameters);
    }

    public static string OperationId(string method, string path)
    {
        var words = path.Split(['/', '{', '}', '.', '-', '_'], StringSplitOptions.RemoveEmptyEntries);
        return method.ToLowerInvariant() + string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}
