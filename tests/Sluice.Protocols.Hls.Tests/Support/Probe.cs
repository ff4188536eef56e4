using System.Globalization;
using System.Text.Json;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>What the real ffprobe says about a file or URL.</summary>
internal sealed class Probe
{
    public sealed record Stream(int Index, string CodecName, string CodecType, int Width, int Height);
    public sealed record Packet(int StreamIndex, string CodecType, double? Dts, bool Key);

    public required IReadOnlyList<Stream> Streams { get; init; }
    public required IReadOnlyList<Packet> Packets { get; init; }
    public required double? Duration { get; init; }
    public required string Errors { get; init; }

    public Stream Video => Streams.Single(s => s.CodecType == "video");
    public Stream Audio => Streams.Single(s => s.CodecType == "audio");

    public static async Task<Probe> ReadAsync(string target, bool packets, TimeSpan? timeout = null)
    {
        string[] args = packets
            ? ["-v", "error", "-show_format", "-show_streams", "-show_packets", "-of", "json", target]
            : ["-v", "error", "-show_format", "-show_streams", "-of", "json", target];
        var result = await ExternalTool.RunAsync("ffprobe", args, timeout ?? TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"ffprobe {target} failed: {result.StandardError}");
        using var json = JsonDocument.Parse(result.StandardOutput);
        var streams = new List<Stream>();
        foreach (var s in json.RootElement.GetProperty("streams").EnumerateArray())
        {
            streams.Add(new Stream(s.GetProperty("index").GetInt32(), s.GetProperty("codec_name").GetString() ?? "",
                s.GetProperty("codec_type").GetString() ?? "", Int(s, "width"), Int(s, "height")));
        }
        var typeOf = streams.ToDictionary(s => s.Index, s => s.CodecType);
        var list = new List<Packet>();
        if (json.RootElement.TryGetProperty("packets", out var items))
        {
            foreach (var p in items.EnumerateArray())
            {
                var index = p.GetProperty("stream_index").GetInt32();
                list.Add(new Packet(index, typeOf.GetValueOrDefault(index, "?"), Seconds(p, "dts_time"), p.GetProperty("flags").GetString()!.StartsWith('K')));
            }
        }
        double? duration = json.RootElement.TryGetProperty("format", out var format) ? Seconds(format, "duration") : null;
        return new Probe { Streams = streams, Packets = list, Duration = duration, Errors = result.StandardError };
    }

    private static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    private static double? Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
