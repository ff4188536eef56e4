using System.Globalization;
using System.Text.Json;

namespace Sluice.Dvr.Tests.Support;

/// <summary>What the real ffprobe says about a file or URL: streams, packets (per stream, in file order), duration, errors.</summary>
internal sealed class Probe
{
    public sealed record Stream(int Index, string Codec, string Type);
    public sealed record Packet(int Stream, double? Pts, double? Dts, bool Key);

    public required IReadOnlyList<Stream> Streams { get; init; }
    public required IReadOnlyList<Packet> Packets { get; init; }
    public required double Duration { get; init; }
    public required string Errors { get; init; }

    public string[] Codecs => Streams.Select(s => s.Codec).Order().ToArray();

    public IEnumerable<Packet> Of(string type) => Packets.Where(p => Streams[p.Stream].Type == type);

    public static async Task<Probe> ReadAsync(string target)
    {
        var r = await Tools.RunAsync("ffprobe", TimeSpan.FromSeconds(120), "-v", "error", "-show_format", "-show_streams", "-show_packets",
            "-of", "json", target);
        Assert.True(r.ExitCode == 0, $"ffprobe {target}: {r.StdErr}");
        using var json = JsonDocument.Parse(r.StdOut);
        var streams = json.RootElement.GetProperty("streams").EnumerateArray()
            .Select(s => new Stream(s.GetProperty("index").GetInt32(), s.GetProperty("codec_name").GetString()!, s.GetProperty("codec_type").GetString()!))
            .ToList();
        var packets = json.RootElement.TryGetProperty("packets", out var list)
            ? list.EnumerateArray().Select(p => new Packet(p.GetProperty("stream_index").GetInt32(), Seconds(p, "pts_time"), Seconds(p, "dts_time"),
                p.GetProperty("flags").GetString()!.StartsWith('K'))).ToList()
            : [];
        var duration = json.RootElement.TryGetProperty("format", out var f) ? Seconds(f, "duration") ?? 0 : 0;
        return new Probe { Streams = streams, Packets = packets, Duration = duration, Errors = r.StdErr };
    }

    /// <summary>Checks what every export and playlist must be: the codecs, a keyframe first, decode times increasing per stream.</summary>
    public void AssertPlayable(params string[] codecs)
    {
        Assert.Equal(codecs.Order().ToArray(), Codecs);
        var video = Of("video").ToList();
        Assert.NotEmpty(video);
        Assert.True(video[0].Key, "the first video packet is a keyframe");
        foreach (var s in Streams)
        {
            var dts = Packets.Where(p => p.Stream == s.Index && p.Dts is not null).Select(p => p.Dts!.Value).ToList();
            for (var i = 1; i < dts.Count; i++) Assert.True(dts[i] > dts[i - 1], $"{s.Codec} dts {dts[i]} after {dts[i - 1]} (packet {i})");
        }
    }

    private static double? Seconds(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
