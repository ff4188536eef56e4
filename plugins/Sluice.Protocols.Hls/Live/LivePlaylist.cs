using System.Globalization;
using System.Text;

namespace Sluice.Protocols.Hls.Live;

/// <summary>Writes the media playlist of a live window (HLS version 3).</summary>
internal static class LivePlaylist
{
    public static byte[] Build(IReadOnlyList<LiveSegment> segments, int targetDuration, long discontinuitySequence = 0)
    {
        var text = new StringBuilder(128 + segments.Count * 96);
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{targetDuration}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{(segments.Count > 0 ? segments[0].Sequence : 0)}\n");
        // Discontinuities that scrolled out of the window, so players keep their timelines apart.
        if (discontinuitySequence > 0) text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuitySequence}\n");
        foreach (var segment in segments)
        {
            if (segment.Discontinuity) text.Append("#EXT-X-DISCONTINUITY\n");
            text.Append("#EXT-X-PROGRAM-DATE-TIME:")
                .Append(segment.ProgramDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.DurationSeconds:0.000},\n");
            text.Append(CultureInfo.InvariantCulture, $"segment-{segment.Sequence}.ts\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
