using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Host.Events;
using Sluice.Host.Notify;

namespace Sluice.Host.Api;

/// <summary><c>POST /api/v1/events</c>: injects events (one JSON object or an array) into the router.</summary>
internal static class EventsApi
{
    public const int MaxBodyBytes = 4 << 20;

    /// <summary>Maps the endpoint; the router comes from <paramref name="router"/> or the endpoint services.</summary>
    public static RouteHandlerBuilder MapEventsApi(this IEndpointRouteBuilder endpoints, EventRouter? router = null) =>
        endpoints.MapPost("/api/v1/events", async (HttpContext http) =>
        {
            var target = router ?? http.RequestServices.GetRequiredService<EventRouter>();
            var body = await ReadBodyAsync(http.Request, http.RequestAborted);
            if (body is null) return Results.Json(new { error = $"request body exceeds {MaxBodyBytes} bytes" }, statusCode: 413);
            var events = InjectedEventParser.TryParse(body.Value.Span, target.ServerName, out var error);
            if (events is null) return Results.Json(new { error }, statusCode: 400);
            foreach (var e in events) target.Emit(e);
            return Results.Json(new { accepted = events.Count }, statusCode: 202);
        });

    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var n = await request.Body.ReadAsync(memory, ct);
            if (n == 0) return buffer.WrittenMemory;
            buffer.Advance(n);
            if (buffer.WrittenCount > MaxBodyBytes) return null;
        }
    }
}
