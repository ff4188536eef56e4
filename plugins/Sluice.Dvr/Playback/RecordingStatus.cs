using System.Text.Json;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Playback;

/// <summary>
/// <c>NAME/recording_status.json</c> and <c>GET /api/v1/streams/NAME/dvr</c>: the recorded ranges
/// (<c>[{from, duration}]</c>, UTC unix seconds, gaps under a second merged), depth, size limit (bytes, or <c>disk_limit</c>: a share of the disk in %) and use.
/// </summary>
internal static class RecordingStatus
{
    public static byte[] Json(string name, StreamArchive? archive, DvrOptions options)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("stream", name);
            w.WriteBoolean("recording", archive?.Recording ?? false);
            w.WriteNumber("depth", (long)options.Depth.TotalSeconds);
            if (options.SizeLimit is { } limit) w.WriteNumber("size_limit", limit); else w.WriteNull("size_limit");
            if (options.DiskPercent is { } percent) w.WriteNumber("disk_limit", percent); else w.WriteNull("disk_limit");
            w.WriteNumber("bytes", archive?.Index.Bytes ?? 0);
            w.WriteNumber("fragments", archive?.Index.Count ?? 0);
            w.WriteNumber("dropped_frames", archive?.DroppedFrames ?? 0);
            if (archive?.WriteError is { } error) w.WriteString("write_error", error); else w.WriteNull("write_error");
            w.WriteStartArray("ranges");
            foreach (var (from, to) in archive?.Index.Ranges(1000) ?? [])
            {
                w.WriteStartObject();
                var fromS = from / 1000;
                w.WriteNumber("from", fromS);
                w.WriteNumber("duration", (to + 999) / 1000 - fromS);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
