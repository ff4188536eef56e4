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

    public static long? Size(this ConfigDirective d, IConfigDiagnostics diag, int index, string what)
    {
        if (index >= d.Arguments.Count) { diag.Error(d.Location, $"'{d.Name}' expects {what}"); return null; }
        var a = d.Arguments[index];
        if (ConfigValues.TryParseSize(a.Value, out var v)) return v;
        diag.Error(a.Location, $"'{d.Name}' expects {what} (a size such as 500M, 10G), got '{a.Value}'");
        return null;
    }
}
