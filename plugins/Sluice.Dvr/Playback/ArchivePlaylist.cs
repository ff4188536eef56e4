using System.Globalization;
using System.Text;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Playback;

/// <summary>
/// HLS playlists over the archive: every fragment is a segment (its own file, no remux), with its
/// <c>#EXT-X-PROGRAM-DATE-TIME</c>; where fragments are not contiguous (a gap, a new timeline) an
/// <c>#EXT-X-DISCONTINUITY</c> marks it. VOD playlists end with <c>#EXT-X-ENDLIST</c>; EVENT playlists grow.
/// </summary>
internal static class ArchivePlaylist
{
    public static string Build(IReadOnlyList<Fragment> fragments, bool vod, bool ended, string query)
    {
        var sb = new StringBuilder(128 + fragments.Count * 110);
        var target = fragments.Count == 0 ? 1 : (int)Math.Ceiling(fragments.Max(f => f.DurationMs) / 1000.0);
        sb.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        sb.Append(vod ? "#EXT-X-PLAYLIST-TYPE:VOD\n" : "#EXT-X-PLAYLIST-TYPE:EVENT\n");
        sb.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{Math.Max(target, 1)}\n");
        sb.Append("#EXT-X-MEDIA-SEQUENCE:0\n");
        var suffix = query.Length > 0 ? "?" + query : "";
        for (var i = 0; i < fragments.Count; i++)
        {
            var f = fragments[i];
            if (i > 0 && f.StartMs != fragments[i - 1].EndMs) sb.Append("#EXT-X-DISCONTINUITY\n");
            sb.Append("#EXT-X-PROGRAM-DATE-TIME:").Append(FragmentNames.Utc(f.StartMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"#EXTINF:{f.DurationMs / 1000.0:0.000},\n");
            sb.Append(f.RelativePath).Append(suffix).Append('\n');
        }
        if (vod || ended) sb.Append("#EXT-X-ENDLIST\n");
        return sb.ToString();
    }
}
