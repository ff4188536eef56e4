using System.Globalization;

namespace Sluice.Dvr.Archive;

/// <summary>
/// The archive's layout: <c>NAME/YYYY/MM/DD/HH/</c> (one folder per UTC hour, the "blob") holding
/// <c>MM-SS-mmm_DURATION.ts</c> (the fragment's UTC start within the hour and its duration in ms), and
/// <c>MM-SS-mmm.ts.part</c> while a fragment is being written. The names are the index: nothing else
/// is needed to rebuild it.
/// </summary>
internal static class FragmentNames
{
    public const string PartSuffix = ".ts.part";

    public static DateTime Utc(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);

    public static long Ms(DateTime utc) => (long)(utc - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>The hour folder of a moment, <c>2024/05/01/12</c>.</summary>
    public static string BlobOf(long startMs)
    {
        var t = Utc(startMs);
        return string.Create(CultureInfo.InvariantCulture, $"{t.Year:0000}/{t.Month:00}/{t.Day:00}/{t.Hour:00}");
    }

    public static string FileName(long startMs, int durationMs)
    {
        var t = Utc(startMs);
        return string.Create(CultureInfo.InvariantCulture, $"{t.Minute:00}-{t.Second:00}-{t.Millisecond:000}_{durationMs}.ts");
    }

    public static string PartName(long startMs)
    {
        var t = Utc(startMs);
        return string.Create(CultureInfo.InvariantCulture, $"{t.Minute:00}-{t.Second:00}-{t.Millisecond:000}{PartSuffix}");
    }

    public static string RelativePath(long startMs, int durationMs) => BlobOf(startMs) + "/" + FileName(startMs, durationMs);

    /// <summary>The start of an hour folder from its four components, or false when they are not a UTC hour.</summary>
    public static bool TryParseBlob(string year, string month, string day, string hour, out long hourMs)
    {
        hourMs = 0;
        if (year.Length != 4 || month.Length != 2 || day.Length != 2 || hour.Length != 2) return false;
        if (!Number(year, out var y) || !Number(month, out var mo) || !Number(day, out var d) || !Number(hour, out var h)) return false;
        if (y < 1970 || mo is < 1 or > 12 || h > 23 || d < 1 || d > DateTime.DaysInMonth(y, mo)) return false;
        hourMs = Ms(new DateTime(y, mo, d, h, 0, 0, DateTimeKind.Utc));
        return true;
    }

    /// <summary>A finished fragment's name within its hour: <c>MM-SS-mmm_DURATION.ts</c>.</summary>
    public static bool TryParseFile(long hourMs, ReadOnlySpan<char> name, out long startMs, out int durationMs)
    {
        startMs = 0;
        durationMs = 0;
        if (name.Length < 13 || !name.EndsWith(".ts") || name[9] != '_') return false;
        if (!TryParseOffset(name[..9], out var offset)) return false;
        if (!int.TryParse(name[10..^3], NumberStyles.None, CultureInfo.InvariantCulture, out durationMs) || durationMs <= 0) return false;
        startMs = hourMs + offset;
        return true;
    }

    /// <summary>A fragment being written: <c>MM-SS-mmm.ts.part</c>.</summary>
    public static bool TryParsePart(long hourMs, ReadOnlySpan<char> name, out long startMs)
    {
        startMs = 0;
        if (name.Length != 9 + PartSuffix.Length || !name.EndsWith(PartSuffix) || !TryParseOffset(name[..9], out var offset)) return false;
        startMs = hourMs + offset;
        return true;
    }

    /// <summary><c>YYYY/MM/DD/HH/MM-SS-mmm_DURATION.ts</c> as a URL names it.</summary>
    public static bool TryParseRelative(string path, out long startMs, out int durationMs)
    {
        startMs = 0;
        durationMs = 0;
        var parts = path.Split('/');
        return parts.Length == 5 && TryParseBlob(parts[0], parts[1], parts[2], parts[3], out var hour)
            && TryParseFile(hour, parts[4], out startMs, out durationMs);
    }

    private static bool TryParseOffset(ReadOnlySpan<char> s, out long offsetMs)
    {
        offsetMs = 0;
        if (s.Length != 9 || s[2] != '-' || s[5] != '-') return false;
        if (!Digits(s[..2], out var minute) || !Digits(s[3..5], out var second) || !Digits(s[6..9], out var ms)) return false;
        if (minute > 59 || second > 59) return false;
        offsetMs = minute * 60_000L + second * 1000L + ms;
        return true;
    }

    private static bool Number(string s, out int value) => Digits(s, out value);

    private static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return s.Length > 0;
    }
}
