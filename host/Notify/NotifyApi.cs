using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Json;

namespace Sluice.Host.Notify;

/// <summary><c>GET /api/v1/notify</c>: every notify block's delivery counters.</summary>
internal static class NotifyApi
{
    public static RouteHandlerBuilder MapNotifyApi(this IEndpointRouteBuilder endpoints, EventRouter? router = null) =>
        endpoints.MapGet("/api/v1/notify", (HttpContext http) =>
        {
            var target = router ?? http.RequestServices.GetRequiredService<EventRouter>();
            return Results.Text(ToJson(target.Stats()), "application/json");
        });

    public static string ToJson(IReadOnlyList<NotifyBlockStats> stats)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, HumanJson.Writer()))
        {
            w.WriteStartObject();
            w.WriteStartArray("handlers");
            foreach (var s in stats)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                w.WriteString("sink", SecretText.Redact(s.Sink));
                w.WriteString("sink_type", s.SinkType);
                w.WriteNumber("queued", s.Queued);
                w.WriteNumber("delivered", s.Delivered);
                w.WriteNumber("delivered_batches", s.DeliveredBatches);
                w.WriteNumber("failed_batches", s.FailedBatches);
                w.WriteNumber("dropped", s.Dropped);
                w.WriteNumber("in_resend_buffer", s.InResendBuffer);
                if (s.LastError is null) w.WriteNull("last_error"); else w.WriteString("last_error", SecretText.Redact(s.LastError));
                if (s.LastErrorTime is { } t) w.WriteNumber("last_error_utc_ms", t.ToUnixTimeMilliseconds()); else w.WriteNull("last_error_utc_ms");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
