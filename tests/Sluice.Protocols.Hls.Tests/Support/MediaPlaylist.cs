using System.Globalization;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>A media playlist as read back from the server.</summary>
internal sealed record MediaPlaylist(string Text, long MediaSequence, int TargetDuration, IReadOnlyList<(double Duration, string Uri, string? ProgramDateTime)> Segments)
{
    public bool Ended => Text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal);

    public static MediaPlaylist Parse(string text)
    {
        Assert.StartsWith("#EXTM3U", text);
        long sequence = 0;
        var target = 0;
        var segments = new List<(double, string, string?)>();
        double? duration = null;
        string? pdt = null;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal)) sequence = long.Parse(line[22..], CultureInfo.InvariantCulture);
            else if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal)) target = int.Parse(line[22..], CultureInfo.InvariantCulture);
            else if (line.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal)) pdt = line[25..];
            else if (line.StartsWith("#EXTINF:", StringComparison.Ordinal)) duration = double.Parse(line[8..].TrimEnd(','), CultureInfo.InvariantCulture);
            else if (!line.StartsWith('#'))
            {
                segments.Add((duration ?? throw new InvalidDataException("URI without #EXTINF"), line, pdt));
                duration = null;
                pdt = null;
            }
        }
        return new MediaPlaylist(text, sequence, target, segments);
    }

    public static async Task<MediaPlaylist> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", response.Content.Headers.ContentType?.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }
}
