using System.Globalization;
using System.Text.Json;

namespace Sluice.Media.Tests.Support;

/// <summary>What ffprobe says about a file: streams (by PID) and their packets.</summary>
internal sealed class Ffprobe
{
    public sealed record Stream(int Index, int Pid, string CodecName, string CodecType, int Width, int Height, string? Profile, int Level, int SampleRate, int Channels);
    public sealed record Packet(long? Pts, long? Dts, bool Key);

    public required IReadOnlyList<Stream> Streams { get; init; }
    public required IReadOnlyDictionary<int, List<Packet>> PacketsByPid { get; init; }
    public required string Errors { get; init; }

    public static Ffprobe Read(string path)
    {
        var result = ExternalTool.Run("ffprobe", ["-v", "error", "-show_streams", "-show_packets", "-of", "json", path]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"ffprobe failed: {result.StandardError}");
        using var json = JsonDocument.Parse(result.StandardOutput);
        var streams = new List<Stream>();
        foreach (var s in json.RootElement.GetProperty("streams").EnumerateArray())
        {
            streams.Add(new Stream(
                s.GetProperty("index").GetInt32(),
                Convert.ToInt32(s.GetProperty("id").GetString(), 16),
                s.GetProperty("codec_name").GetString() ?? "",
                s.GetProperty("codec_type").GetString() ?? "",
                Int(s, "width"), Int(s, "height"),
                s.TryGetProperty("profile", out var p) ? p.GetString() : null,
                Int(s, "level"),
                s.TryGetProperty("sample_rate", out var r) ? int.Parse(r.GetString()!, CultureInfo.InvariantCulture) : 0,
                Int(s, "channels")));
        }
        var byIndex = streams.ToDictionary(s => s.Index, s => s.Pid);
        var packets = streams.ToDictionary(s => s.Pid, _ => new List<Packet>());
        if (json.RootElement.TryGetProperty("packets", out var list))
        {
            foreach (var p in list.EnumerateArray())
            {
                var pid = byIndex[p.GetProperty("stream_index").GetInt32()];
                packets[pid].Add(new Packet(Long(p, "pts"), Long(p, "dts"), p.GetProperty("flags").GetString()!.StartsWith('K')));
            }
        }
        return new Ffprobe { Streams = streams, PacketsByPid = packets, Errors = result.StandardError };
    }

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
