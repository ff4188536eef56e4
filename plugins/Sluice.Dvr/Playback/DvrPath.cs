using System.Globalization;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Playback;

internal enum DvrResource { Playlist, LivePlaylist, Mp4, Ts, Status, Fragment }

/// <summary>
/// A playback path in Flussonic's layout: <c>NAME/index-FROM-DURATION.m3u8</c> (also <c>mono-</c>),
/// <c>NAME/index-FROM-now.m3u8</c>, <c>NAME/archive-FROM-DURATION.mp4</c> and <c>.ts</c>,
/// <c>NAME/recording_status.json</c>, and a fragment <c>NAME/YYYY/MM/DD/HH/MM-SS-mmm_DURATION.ts</c>.
/// FROM is UTC unix seconds, DURATION seconds. NAME may hold slashes but no empty, <c>.</c> or <c>..</c> parts.
/// </summary>
internal readonly record struct DvrPath(string Name, DvrResource Resource, long FromMs, long DurationMs)
{
    public long ToMs => FromMs + DurationMs;

    public static bool TryParse(string? path, out DvrPath parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(path)) return false;
        path = path.TrimStart('/');
        var slash = path.LastIndexOf('/');
        if (slash <= 0) return false;
        var name = path[..slash];
        var file = path[(slash + 1)..];
        if (file == "recording_status.json")
        {
            parsed = new DvrPath(name, DvrResource.Status, 0, 0);
            return ValidName(name);
        }
        if (TryRange(file, "index-", ".m3u8", out var from, out var duration, out var now)
            || TryRange(file, "mono-", ".m3u8", out from, out duration, out now))
        {
            parsed = new DvrPath(name, now ? DvrResource.LivePlaylist : DvrResource.Playlist, from, duration);
            return ValidName(name);
        }
        if (TryRange(file, "archive-", ".mp4", out from, out duration, out now) && !now)
        {
            parsed = new DvrPath(name, DvrResource.Mp4, from, duration);
            return ValidName(name);
        }
        if (TryRange(file, "archive-", ".ts", out from, out duration, out now) && !now)
        {
            parsed = new DvrPath(name, DvrResource.Ts, from, duration);
            return ValidName(name);
        }
        // NAME/YYYY/MM/DD/HH/FILE: the name is what is left of the last five parts.
        var parts = path.Split('/');
        if (parts.Length >= 6 && FragmentNames.TryParseRelative(string.Join('/', parts[^5..]), out var start, out var length))
        {
            name = string.Join('/', parts[..^5]);
            parsed = new DvrPath(name, DvrResource.Fragment, start, length);
            return ValidName(name);
        }
        return false;
    }

    private static bool TryRange(string file, string prefix, string suffix, out long fromMs, out long durationMs, out bool now)
    {
        fromMs = durationMs = 0;
        now = false;
        if (!file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(suffix, StringComparison.Ordinal)) return false;
        var body = file.AsSpan(prefix.Length, file.Length - prefix.Length - suffix.Length);
        var dash = body.IndexOf('-');
        if (dash <= 0 || dash > 12) return false;
        if (!long.TryParse(body[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var from)) return false;
        var rest = body[(dash + 1)..];
        if (rest is "now")
        {
            now = true;
        }
        else if (rest.Length is 0 or > 9 || !long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out durationMs) || durationMs <= 0)
        {
            return false;
        }
        fromMs = from * 1000;
        durationMs *= 1000;
        return true;
    }

    private static bool ValidName(string name)
    {
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == ".." || part.Contains('\\') || part.Contains('\0')) return false;
        }
        return true;
    }
}
