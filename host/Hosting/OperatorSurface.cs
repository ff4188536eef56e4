using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Api;
using Sluice.Host.Api.Answers;
using Sluice.Host.Api.Events;
using Sluice.Host.Api.OpenApi;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Metrics;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>
/// What the host offers an operator beyond its core API, in one place so the server wires it with a few
/// calls: metrics (<c>/metrics</c>), the OpenAPI document, the live event tail, the plugin change history,
/// the configuration check, and the certificate of the <c>https</c> listeners.
/// </summary>
internal sealed class OperatorSurface : IDisposable
{
    private readonly EventRouter _router;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RecentEvents _recent;
    private readonly EventTailStats _tail = new();
    private readonly PluginHistory _history;
    private readonly SluiceMeters _meters;

    public OperatorSurface(EventRouter router, StreamRegistry streams, PluginManager plugins, HttpsCertificate certificate,
        ILoggerFactory loggers, TimeProvider time)
    {
        Certificate = certificate;
        _router = router;
        _time = time;
        _log = loggers.CreateLogger("Sluice.Host");
        _recent = new RecentEvents(router);
        _history = new PluginHistory(plugins, time);
        _meters = new SluiceMeters(streams, router, plugins, _tail, time);
    }

    /// <summary>What the <c>https</c> listeners present (applied by the server stage).</summary>
    public HttpsCertificate Certificate { get; }

    public static void ConfigureServices(IServiceCollection services)
    {
        services.AddApiDocument();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
    }

    /// <summary>HTTPS listeners present the certificate of <see cref="Certificate"/> in force at each handshake (with its chain).</summary>
    public void ConfigureKestrel(KestrelServerOptions kestrel) =>
        kestrel.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificateSelector = (_, _) => Certificate.Certificate;
            https.OnAuthenticate = (_, ssl) =>
            {
                if (Certificate.Context is not { } context) return;
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificate = null;
                ssl.ServerCertificateContext = context;
            };
        });

    public const string ReferencePath = "/api/v1/reference";

    public void Map(IEndpointRouteBuilder app, Func<string, ConfigLoadResult> check)
    {
        app.MapApiDocument();
        // The API reference page (Scalar): its script is embedded in the package and served from here; no web
        // fonts, telemetry or agent from Scalar's servers. Under /api/: guarded like the API.
        app.MapScalarApiReference(ReferencePath, o => o
            .WithTitle("Sluice API reference")
            .WithOpenApiRoutePattern(ApiDocument.Path)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        _meters.Map(app);
        app.MapEventTail(_router, _recent, _tail, _log, _time);
        app.MapPluginHistory(_history);
        app.MapConfigCheck(check);
    }

    /// <summary>Documents answers of core routes whose handlers write their JSON by hand.</summary>
    public static void Describe(RouteHandlerBuilder notify, RouteHandlerBuilder events)
    {
        notify.WithSummary("Every notify block's delivery counters and last error").Produces<NotifyAnswer>(StatusCodes.Status200OK);
        events.WithSummary("Inject one event (a JSON object) or an array of at most 10,000 (4 MiB)")
            .Produces<InjectAnswer>(StatusCodes.Status202Accepted)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);
    }

    public void Dispose()
    {
        _meters.Dispose();
        _history.Dispose();
        _recent.Dispose();
    }
}
