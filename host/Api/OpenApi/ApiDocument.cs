using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Sluice.Abstractions.Http;

namespace Sluice.Host.Api.OpenApi;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: the OpenAPI document of every route the host serves, its own and the
/// loaded plugins', generated from the endpoints (Microsoft.AspNetCore.OpenApi) at each request, so a plugin
/// swap shows at once. Routes guarded like the API say so (HTTP Basic, 401, 403); routes mapped without a
/// handler signature (raw request delegates) are described from their metadata (<see cref="RawEndpoints"/>).
/// </summary>
internal static class ApiDocument
{
    public const string Path = "/api/v1/openapi.json";
    private const string Basic = "basic";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Sluice HTTP API",
                    Version = HostInfo.Version,
                    Description = "The API of the Sluice media server: its own routes and those of the plugins loaded now. "
                        + "Reads need view access (view_auth), writes edit access (edit_auth; without it, loopback clients only); "
                        + "api_allowed_from limits both. See README.md and docs/operations.md.",
                    License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
                };
                document.Servers = [new OpenApiServer { Url = "/", Description = "this server" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "view_auth for reads, edit_auth for writes; not needed when the configuration sets neither "
                        + "(writes are then accepted from loopback clients only).",
                };
                RawEndpoints.AddTo(document, context.ApplicationServices.GetRequiredService<EndpointDataSource>());
                SplitStop(document);
                RequestBodies(document);
                Guard(document);
                DeclareTags(document);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, ct) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var path = "/" + (context.Description.RelativePath ?? "");
                if (IsGuarded(metadata, path)) Mark(operation);
                operation.OperationId ??= RawEndpoints.OperationId(context.Description.HttpMethod ?? "get", path);
                if (!metadata.OfType<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>().Any())
                    operation.Tags = new HashSet<OpenApiTagReference> { new(TagOf(path), context.Document) };
                return Task.CompletedTask;
            });
        });

    /// <summary>The API's area (<c>/api/v1/streams/...</c>: streams); other routes are media or pages of plugins.</summary>
    public static string TagOf(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["api", "v1", var area, ..]) return area.EndsWith(".json", StringComparison.Ordinal) ? "openapi" : area;
        return parts is ["metrics"] ? "metrics" : "media and pages";
    }

    /// <summary>Every tag an operation names is declared at the top, sorted.</summary>
    private static void DeclareTags(OpenApiDocument document)
    {
        var names = document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        document.Tags = names.Select(n => new OpenApiTag { Name = n, Description = TagDescription(n) }).ToHashSet();
    }

    private static string TagDescription(string tag) => tag switch
    {
        "server" => "The server's facts.",
        "plugins" => "Plugins loaded from plugins_dir and their changes.",
        "config" => "Reloading and checking the configuration.",
        "events" => "Injecting events and tailing them live.",
        "notify" => "Notify blocks' delivery counters.",
        "streams" => "Streams: state, media info, stop.",
        "metrics" => "Prometheus metrics.",
        "openapi" => "This document.",
        _ => $"Routes of the host and its plugins ({tag}).",
    };

    public static bool IsGuarded(IEnumerable<object> metadata, string path) =>
        path.StartsWith("/api/", StringComparison.Ordinal) || metadata.OfType<ApiAccessMetadata>().Any();

    public static void Mark(OpenApiOperation operation)
    {
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[GuardedMark] = new JsonNodeExtension(true);
    }

    /// <summary>Marks an operation guarded like the API until <see cref="Guard"/> turns the mark into security and error answers.</summary>
    internal const string GuardedMark = "x-sluice-guarded";

    private static void Guard(OpenApiDocument document)
    {
        foreach (var (_, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (operation.Extensions is not { } ext || !ext.Remove(GuardedMark))
                {
                    operation.Security = [new OpenApiSecurityRequirement()]; // open: no credentials
                    continue;
                }
                var write = method != HttpMethod.Get && method != HttpMethod.Head;
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Basic, document)] = [] }];
                operation.Responses ??= new OpenApiResponses();
                operation.Responses.TryAdd("401", Error(document, write ? "edit_auth (or, without it, view_auth) credentials required" : "view_auth credentials required"));
                operation.Responses.TryAdd("403", Error(document, write
                    ? "not allowed from this address (api_allowed_from), a write from another machine without edit_auth, or a cross-site write from a browser"
                    : "not allowed from this address (api_allowed_from)"));
            }
        }
    }

    /// <summary>
    /// <c>POST /api/v1/streams/{**name}</c> only takes <c>NAME/stop</c>: listed as <c>/api/v1/streams/{name}/stop</c>,
    /// apart from the GET of the same route.
    /// </summary>
    private static void SplitStop(OpenApiDocument document)
    {
        const string streams = "/api/v1/streams/{name}";
        if (!document.Paths.TryGetValue(streams, out var item) || item.Operations is not { } operations
            || !operations.Remove(HttpMethod.Post, out var stop)) return;
        stop.Summary = "Stop a stream (a configured stream starts again at once, an ondemand one at its next viewer)";
        stop.OperationId = "postApiV1StreamsNameStop";
        document.Paths[streams + "/stop"] = new OpenApiPathItem { Operations = new() { [HttpMethod.Post] = stop } };
    }

    /// <summary>
    /// Bodies the handlers read themselves (any content type is taken, as curl -d sends a form type):
    /// declared here, not as routing metadata, which would refuse other content types.
    /// </summary>
    private static void RequestBodies(OpenApiDocument document)
    {
        Body(document, "/api/v1/config/check", "text/plain", new OpenApiSchema { Type = JsonSchemaType.String },
            "The configuration to check, as the text of a file (include lines resolve against the running configuration's folder).");
        Body(document, "/api/v1/events", "application/json", new OpenApiSchema
        {
            OneOf =
            [
                new OpenApiSchema { Type = JsonSchemaType.Object, Required = new HashSet<string> { "event" } },
                new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object }, MaxItems = 10_000 },
            ],
        }, "One event (an object with at least `event`; `media`, `level`, other fields as wanted) or an array of them.");
    }

    private static void Body(OpenApiDocument document, string path, string contentType, OpenApiSchema schema, string description)
    {
        if (!document.Paths.TryGetValue(path, out var item) || item.Operations?.GetValueOrDefault(HttpMethod.Post) is not { } post) return;
        post.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = schema } },
        };
    }

    private static OpenApiResponse Error(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new() { Schema = ErrorSchema(document) },
        },
    };

    internal static IOpenApiSchema ErrorSchema(OpenApiDocument document)
    {
        document.Components!.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(nameof(ApiError)))
        {
            document.Components.Schemas[nameof(ApiError)] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "error" },
                Properties = new Dictionary<string, IOpenApiSchema> { ["error"] = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        }
        return new OpenApiSchemaReference(nameof(ApiError), document);
    }

    public static IEndpointConventionBuilder MapApiDocument(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi(Path).WithSummary("This document (OpenAPI 3.1)");
}
