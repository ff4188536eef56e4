using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Common;

/// <summary>Reads the options a sink owns, reporting bad values at the option's location.</summary>
public static class SinkOptions
{
    public static ConfigDirective? Find(SinkContext context, string name) =>
        context.Options.LastOrDefault(o => o.Name == name);

    /// <summary><c>timeout 10;</c> (bare numbers are seconds), or the default when absent or invalid.</summary>
    public static TimeSpan Timeout(SinkContext context, TimeSpan fallback, IConfigDiagnostics? diagnostics = null)
    {
        if (Find(context, "timeout") is not { } d) return fallback;
        var value = d.Duration(diagnostics ?? IgnoringDiagnostics.Instance, 0, "a time limit");
        if (value is { } v && v > TimeSpan.Zero) return v;
        if (value is not null) diagnostics?.Error(d.Location, "'timeout' must be greater than zero");
        return fallback;
    }

    public static bool Flag(SinkContext context, string name, IConfigDiagnostics? diagnostics = null) =>
        Find(context, name) is { } d && d.Bool(diagnostics ?? IgnoringDiagnostics.Instance) == true;

    /// <summary>The block's options minus the ones the sink consumes itself: what scripts see as <c>args</c>.</summary>
    public static IReadOnlyDictionary<string, string> Arguments(SinkContext context, params string[] own)
    {
        var all = context.Arguments;
        if (own.Length == 0) return all;
        return all.Where(kv => Array.IndexOf(own, kv.Key) < 0).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private sealed class IgnoringDiagnostics : IConfigDiagnostics
    {
        public static readonly IgnoringDiagnostics Instance = new();
        public void Error(SourceLocation location, string message) { }
        public void Warning(SourceLocation location, string message) { }
    }
}
