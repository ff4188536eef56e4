using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify;

namespace Sluice.Host.Api.Events;

/// <summary>
/// <c>GET /api/v1/events/stream</c>: the live events as Server-Sent Events (one <c>event:</c> per event, its
/// JSON as <c>data:</c>, its id as <c>id:</c>), filtered with the notify language's <c>only</c>/<c>except</c>
/// lines and <c>verbose</c> (see <see cref="QueryFilter"/>); <c>backlog=N</c> first replays up to N recent
/// matching events. A client too slow to keep up is cut off (<see cref="EventTailClient"/>).
/// </summary>
internal static class EventTailApi
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static RouteHandlerBuilder MapEventTail(this IEndpointRouteBuilder api, EventRouter router, RecentEvents recent,
        EventTailStats stats, ILogger log, TimeProvider time) =>
        api.MapGet("/api/v1/events/stream", (HttpContext http, [FromQuery] string[]? only, [FromQuery] string[]? except,
                [FromQuery] string? verbose, [FromQuery] int? backlog) =>
            {
                var filter = QueryFilter.TryParse(only ?? [], except ?? [], verbose is null ? default : new(verbose), out var error);
                if (filter is null) return Task.FromResult<IResult>(TypedResults.BadRequest(new ApiError(error!)));
                return ServeAsync(http, router, recent, filter, Math.Clamp(backlog ?? 0, 0, RecentEvents.Capacity), stats, log, time);
            })
            .WithSummary("Live events (Server-Sent Events)")
            .WithDescription("Each event as an SSE message: `id:` its id, `event:` its name, `data:` its JSON. `only` and `except` "
                + "(repeatable, each one line of the notify language, e.g. `only=event=stream_started media=cam1`) and `verbose` "
                + "filter as in a notify block; `backlog=N` first sends up to N recent matching events. A comment line is sent "
                + "every 15 s while idle. A client that reads too slowly is disconnected; reconnect to go on.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces<ApiError>(StatusCodes.Status400BadRequest);

    private static async Task<IResult> ServeAsync(HttpContext http, EventRouter router, RecentEvents recent, CompiledFilter filter,
        int backlog, EventTailStats stats, ILogger log, TimeProvider time)
    {
        var client = new EventTailClient();
        using var tap = router.Subscribe(filter, client.Offer);
        var replayed = recent.Last(backlog, filter);
        var replayedIds = replayed.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        stats.Connected();
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, client.Dropped);
        var token = linked.Token;
        try
        {
            var body = response.BodyWriter;
            body.Write(": sluice event tail\n\n"u8);
            foreach (var e in replayed) Write(body, e);
            await body.FlushAsync(token);
            using var timer = new PeriodicTimer(Heartbeat, time);
            Task<bool>? wait = null, tick = null;
            while (true)
            {
                wait ??= client.Events.WaitToReadAsync(token).AsTask();
                tick ??= timer.WaitForNextTickAsync(token).AsTask();
                if (await Task.WhenAny(wait, tick) == tick)
                {
                    tick = null;
                    body.Write(": keep-alive\n\n"u8);
                    await body.FlushAsync(token);
                    continue;
                }
                var more = await wait;
                wait = null;
                if (!more) break;
                while (client.Events.TryRead(out var e))
                {
                    if (replayedIds.Count > 0 && replayedIds.Remove(e.Id)) continue;
                    Write(body, e);
                }
                await body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            client.Complete();
        }
        if (client.WasDropped)
        {
            stats.Dropped();
            log.LogInformation("event tail client {Client} dropped: it read too slowly ({Capacity} events queued)",
                http.Connection.RemoteIpAddress, EventTailClient.QueueCapacity);
            http.Abort();
        }
        stats.Disconnected();
        return Results.Empty;
    }

    private static void Write(System.IO.Pipelines.PipeWriter body, SluiceEvent e)
    {
        body.Write("id: "u8);
        body.Write(Encoding.UTF8.GetBytes(e.Id));
        body.Write("\nevent: "u8);
        body.Write(Encoding.UTF8.GetBytes(e.Name));
        body.Write("\ndata: "u8);
        body.Write(e.Utf8Json.Span);
        body.Write("\n\n"u8);
    }
}

/// <summary>Counts of the event tail's clients, for metrics.</summary>
internal sealed class EventTailStats
{
    private long _open, _dropped;

    public long Open => Interlocked.Read(ref _open);

    public long DroppedTotal => Interlocked.Read(ref _dropped);

    public void Connected() => Interlocked.Increment(ref _open);

    public void Disconnected() => Interlocked.Decrement(ref _open);

    public void Dropped() => Interlocked.Increment(ref _dropped);
}
