namespace Sluice.Abstractions.Configuration;

/// <summary>Typed reads of a directive's arguments that report a located error instead of throwing.</summary>
public static class DirectiveReader
{
    public static string? String(this ConfigDirective d, IConfigDiagnostics diag, int index, string what)
    {
        if (index < d.Arguments.Count) return d.Arguments[index].Value;
        diag.Error(d.Location, $"'{d.Name}' expects {what}");
        return null;
    }

    public static int? Int(this ConfigDirective d, IConfigDiagnostics diag, int index, int min, int max, string what)
    {
        if (index >= d.Arguments.Count) { diag.Error(d.Location, $"'{d.Name}' expects {what}"); return null; }
        var a = d.Arguments[index];
        if (!ConfigValues.TryParseInt(a.Value, out var v))
        {
            diag.Error(a.Location, $"'{d.Name}' expects {what} (a whole number), got '{a.Value}'");
            return null;
        }
        if (v < min || v > max)
        {
            diag.Error(a.Location, $"'{d.Name}' expects {what} between {min} and {max}, got {v}");
            return null;
        }
        return v;
    }

    public static bool? Bool(this ConfigDirective d, IConfigDiagnostics diag, int index = 0)
    {
        if (index >= d.Arguments.Count) return true; // `name;` alone means on
        var a = d.Arguments[index];
        if (ConfigValues.TryParseBool(a.Value, out var v)) return v;
        diag.Error(a.Location, $"'{d.Name}' expects true or false, got '{a.Value}'");
        return null;
    }

    public static TimeSpan? Duration(this ConfigDirective d, IConfigDiagnostics diag, int index, string what, TimeSpan? bareUnit = null)
    {
        if (index >= d.Arguments.Count) { diag.Error(d.Location, $"'{d.Name}' expects {what}"); return null; }
        var a = d.Arguments[index];
        if (ConfigValues.TryParseDuration(a.Value, out var v, bareUnit) && v >= TimeSpan.Zero) return v;
        diag.Error(a.Location, $"'{d.Name}' expects {what} (a duration such as 500ms, 30s, 5m, 2d), got '{a.Value}'");
        return null;
    }

    /// <summary>
    /// A duration longer than zero and at most <paramref name="max"/> (when given); a bare number is in
    /// seconds unless <paramref name="bareUnit"/> says otherwise.
    /// </summary>
    public static TimeSpan? PositiveDuration(this ConfigDirective d, IConfigDiagnostics diag, int index, string what,
        TimeSpan? max = null, TimeSpan? bareUnit = null)
    {
        if (d.Duration(diag, index, what, bareUnit) is not { } v) return null;
        var at = d.Arguments[index].Location;
        if (v <= TimeSpan.Zero)
        {
            diag.Error(at, $"'{d.Name}' must be longer than zero, got '{d.Arguments[index].Value}'");
            return null;
        }
        if (max is { } m && v > m)
        {
            diag.Error(at, $"'{d.Name}' must be at most {Describe(m)}, got '{d.Arguments[index].Value}'");
            return null;
        }
        return v;
    }

    private static string Describe(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays % 1 == 0 ? $"{t.TotalDays:0}d"
        : t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours:0}h"
        : t.TotalMinutes >= 1 && t.TotalMinutes % 1 == 0 ? $"{t.TotalMinutes:0}m"
        : t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.###}s"
        : $"{t.TotalMilliseconds:0}ms";

    public static long? Size(this ConfigDirective d, IConfigDiagnostics diag, int index, string what)
    {
        if (index >= d.Arguments.Count) { diag.Error(d.Location, $"'{d.Name}' expects {what}"); return null; }
        var a = d.Arguments[index];
        if (ConfigValues.TryParseSize(a.Value, out var v)) return v;
        diag.Error(a.Location, $"'{d.Name}' expects {what} (a size such as 500M, 10G), got '{a.Value}'");
        return null;
    }
}
