using Sluice.Abstractions.Configuration;
using Sluice.Host.Notify;

namespace Sluice.Benchmarks;

/// <summary>Builds notify blocks for the benchmarks without the config parser (records, as the parser would bind them).</summary>
internal static class BenchConfig
{
    private static readonly SourceLocation Here = new("bench.conf", 1, 1);

    /// <summary><c>only</c> lines like <c>event=stream_started,stream_stopped media=tnt</c>.</summary>
    public static ConfigDirective Line(string name, string text) =>
        new(name, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Pair).ToArray(), null, Here);

    private static ConfigArgument Pair(string kv)
    {
        var eq = kv.IndexOf('=');
        return new ConfigArgument(kv[..eq], kv[(eq + 1)..].Split(','), false, Here);
    }

    public static NotifyBlockOptions Block(string name, string sink, string? only = null, string? except = null) => new()
    {
        Name = name, Sink = sink, SinkLocation = Here, Location = Here,
        Only = only is null ? [] : [Line("only", only)],
        Except = except is null ? [] : [Line("except", except)],
        Text = $"notify {name} {{ sink {sink}; only {only}; except {except}; }}",
    };
}
