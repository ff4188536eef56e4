using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Abstractions.Frames;
using Sluice.Host.Api.Answers;
using Sluice.Host.Streams;

namespace Sluice.Host.Api;

/// <summary><c>GET /api/v1/streams</c>, <c>GET /api/v1/streams/NAME</c>, <c>POST /api/v1/streams/NAME/stop</c>.</summary>
internal static class StreamsApi
{
    public static void MapStreamsApi(this IEndpointRouteBuilder api, StreamRegistry registry)
    {
        api.MapGet("/api/v1/streams", () => TypedResults.Ok(new StreamsAnswer(
                registry.Running.Select(s => ToJson(s.Snapshot())).ToArray(), registry.Sessions.Open, registry.Sessions.MaxSessions)))
            .WithSummary("Every running stream, and the sessions open");

        // Names may hold '/' (live/cam1), hence the catch-all parameter.
        api.MapGet("/api/v1/streams/{**name}", (string name) =>
                registry.Find(name) is MediaStream s
                    ? Results.Json(ToJson(s.Snapshot()))
                    : Results.Json(new ApiError($"no stream '{name}'"), statusCode: StatusCodes.Status404NotFound))
            .WithSummary("One stream (NAME may hold '/')")
            .Produces<StreamAnswer>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        // The same catch-all: NAME/stop (the OpenAPI document lists it as /api/v1/streams/{name}/stop).
        api.MapPost("/api/v1/streams/{**name}", async (string name) =>
            {
                const string suffix = "/stop";
                var path = name;
                if (!path.EndsWith(suffix, StringComparison.Ordinal))
                    return Results.Json(new ApiError("expected POST /api/v1/streams/NAME/stop"), statusCode: StatusCodes.Status404NotFound);
                var stream = path[..^suffix.Length];
                return await registry.StopAsync(stream)
                    ? Results.Json(new StoppedAnswer(stream))
                    : Results.Json(new ApiError($"no stream '{stream}'"), statusCode: StatusCodes.Status404NotFound);
            })
            .WithSummary("Stop a stream: POST /api/v1/streams/NAME/stop (a configured stream starts again at once)")
            .Produces<StoppedAnswer>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status404NotFound);
    }

    private static StreamAnswer ToJson(StreamSnapshot s) => new(
        s.Name, s.Title, s.Kind switch { StreamKind.Stream => "stream", StreamKind.OnDemand => "ondemand", _ => "published" },
        s.State.ToName(), s.Input,
        new MediaInfoAnswer(s.MediaInfo.VideoCodec, s.MediaInfo.Width, s.MediaInfo.Height, s.MediaInfo.AudioCodec, s.MediaInfo.SampleRate,
            s.MediaInfo.Channels, s.Tracks.Select(t => new TrackAnswer(t.TrackId, CodecFacts.NameOf(t.Codec), t.Kind.ToString().ToLowerInvariant())).ToArray()),
        s.BitsPerSecond / 1000, s.Viewers, s.Readers, Math.Round(s.Uptime.TotalSeconds, 3), s.Dropped);
}
