using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Prometheus;
using Sluice.Abstractions.Http;
using Sluice.Host.Api.Events;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Metrics;

/// <summary>
/// The host's meters (System.Diagnostics.Metrics) and their Prometheus export at <c>GET /metrics</c>
/// (prometheus-net): Sluice's own meters, ASP.NET Core's HTTP server meters, and prometheus-net's process
/// and .NET runtime series. Names and labels: docs/operations.md.
/// </summary>
internal sealed class SluiceMeters : IDisposable
{
    public const string Streams = "Sluice.Streams";
    public const string Sessions = "Sluice.Sessions";
    public const string Notify = "Sluice.Notify";
    public const string NotifyDelivery = NotifyDeliveryMetrics.MeterName;
    public const string Plugins = "Sluice.Plugins";
    public const string EventTail = "Sluice.EventTail";

    private static readonly HashSet<string> Sluice = [Streams, Sessions, Notify, NotifyDelivery, Plugins, EventTail];

    /// <summary>ASP.NET Core's HTTP server instruments exported, with their fixed (bounded) labels.</summary>
    private static readonly Dictionary<string, PrometheusBridge.Export> AspNetCore = new()
    {
        ["http.server.request.duration"] = new("http_server_request_duration_seconds",
            ["http_request_method", "http_response_status_code", "http_route", "url_scheme", "network_protocol_version", "error_type"]),
        ["http.server.active_requests"] = new("http_server_active_requests", ["http_request_method", "url_scheme"]),
        ["kestrel.active_connections"] = new("kestrel_active_connections", ["server_address", "server_port"]),
        ["kestrel.tls_handshake.duration"] = new("kestrel_tls_handshake_duration_seconds", ["tls_protocol_version", "error_type"]),
    };

    private static PrometheusBridge.Export? Select(System.Diagnostics.Metrics.Instrument instrument) =>
        Sluice.Contains(instrument.Meter.Name) ? new(instrument.Name)
        : instrument.Meter.Name is "Microsoft.AspNetCore.Hosting" or "Microsoft.AspNetCore.Server.Kestrel" ? AspNetCore.GetValueOrDefault(instrument.Name)
        : null;

    private readonly IDisposable[] _parts;
    private readonly IDisposable _adapter;
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    public SluiceMeters(StreamRegistry streams, EventRouter router, PluginManager plugins, EventTailStats tail, TimeProvider time)
    {
        _parts =
        [
            new StreamMetrics(streams, router, time),
            new SessionMetrics(streams.Sessions, router),
            new NotifyMetrics(router),
            new PluginMetrics(plugins),
            new EventTailMetrics(tail),
        ];
        // Process and runtime series (process_cpu_seconds_total, dotnet_collection_count_total ...).
        DotNetStats.Register(_registry);
        _adapter = new PrometheusBridge(_registry, Select);
    }

    /// <summary>Maps <c>GET /metrics</c>, guarded like the API.</summary>
    public IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapMetrics("/metrics", _registry)
            .RequireApiAccess()
            .WithDisplayName("Prometheus metrics")
            // MapMetrics takes every method; naming GET (and HEAD) puts it in the OpenAPI document too.
            .WithMetadata(new Microsoft.AspNetCore.Routing.HttpMethodMetadata(["GET", "HEAD"]))
            .WithMetadata(new Microsoft.AspNetCore.Http.EndpointSummaryAttribute("Prometheus metrics (text exposition format)"))
            .WithMetadata(new Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata(200, null, ["text/plain"]));

    public void Dispose()
    {
        _adapter.Dispose();
        foreach (var p in _parts) p.Dispose();
    }
}
