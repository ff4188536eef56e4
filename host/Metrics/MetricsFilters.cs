using Sluice.Abstractions.Configuration;
using Sluice.Host.Notify;

namespace Sluice.Host.Metrics;

/// <summary>The router filters of the metrics taps: only the events they count are built for them.</summary>
internal static class MetricsFilters
{
    public static readonly CompiledFilter StreamEvents = Only("source_switch", "play_opened", "play_closed");

    public static readonly CompiledFilter SessionEvents = Only("session_opened", "session_closed");

    private static CompiledFilter Only(params string[] events)
    {
        var text = $"only event={string.Join(',', events)};";
        var line = new FilterLine([new FilterCondition("event", events, anyValue: false)], text, new SourceLocation("metrics", 1, 1));
        return new CompiledFilter([line], [], null);
    }
}
