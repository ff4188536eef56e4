using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Abstractions.Frames;

namespace Sluice.Host.Streams;

/// <summary><c>GET /api/v1/streams</c>, <c>GET /api/v1/streams/NAME</c>, <c>POST /api/v1/streams/NAME/stop</c>.</summary>
internal static class StreamsApi
{
    public static void MapStreamsApi(this IEndpointRouteBuilder api, StreamRegistry registry)
    {
        api.MapGet("/api/v1/streams", () => Results.Json(new
        {
            streams = registry.Running.Select(s => ToJson(s.Snapshot())),
            sessions = registry.Sessions.Open,
            max_sessions = registry.Sessions.MaxSessions,
        }));

        // Names may hold '/' (live/cam1), hence the catch-all parameter.
        api.MapGet("/api/v1/streams/{**name}", (string name) =>
            registry.Find(name) is MediaStream s
                ? Results.Json(ToJson(s.Snapshot()))
                : Results.Json(new { error = $"no stream '{name}'" }, statusCode: StatusCodes.Status404NotFound));

        api.MapPost("/api/v1/streams/{**path}", async (string path) =>
        {
            const string suffix = "/stop";
            if (!path.EndsWith(suffix, StringComparison.Ordinal))
                return Results.Json(new { error = "expected POST /api/v1/streams/NAME/stop" }, statusCode: StatusCodes.Status404NotFound);
            var name = path[..^suffix.Length];
            return await registry.StopAsync(name)
                ? Results.Json(new { stopped = name })
                : Results.Json(new { error = $"no stream '{name}'" }, statusCode: StatusCodes.Status404NotFound);
        });
    }

    private static object ToJson(StreamSnapshot s) => new
    {
        name = s.Name,
        title = s.Title,
        kind = s.Kind switch { StreamKind.Stream => "stream", StreamKind.OnDemand => "ondemand", _ => "published" },
        state = s.State.ToName(),
        input = s.Input,
        media_info = new
        {
            video_codec = s.MediaInfo.VideoCodec,
            width = s.MediaInfo.Width,
            height = s.MediaInfo.Height,
            audio_codec = s.MediaInfo.AudioCodec,
            sample_rate = s.MediaInfo.SampleRate,
            channels = s.MediaInfo.Channels,
            tracks = s.Tracks.Select(t => new { id = t.TrackId, codec = CodecFacts.NameOf(t.Codec), kind = t.Kind.ToString().ToLowerInvariant() }),
        },
        bitrate_kbps = s.BitsPerSecond / 1000,
        viewers = s.Viewers,
        readers = s.Readers,
        uptime_s = Math.Round(s.Uptime.TotalSeconds, 3),
        dropped_frames = s.Dropped,
    };
}
