using System.Globalization;
using System.Text;

namespace Sluice.Protocols.Hls.Vod;

/// <summary>Writes the media playlist of a file (HLS version 3, <c>#EXT-X-PLAYLIST-TYPE:VOD</c>, <c>#EXT-X-ENDLIST</c>).</summary>
internal static class VodPlaylist
{
    public static byte[] Build(IReadOnlyList<VodSegment> segments)
    {
        var target = 1;
        foreach (var segment in segments) target = Math.Max(target, (int)Math.Ceiling(segment.DurationSeconds - 0.0005));
        var text = new StringBuilder(160 + segments.Count * 40);
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{target}\n");
        text.Append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n");
        for (var i = 0; i < segments.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segments[i].DurationSeconds:0.000},\n");
            text.Append(CultureInfo.InvariantCulture, $"segment-{i}.ts\n");
        }
        text.Append("#EXT-X-ENDLIST\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
