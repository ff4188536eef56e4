using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Notify;

/// <summary>An <c>only</c> or <c>except</c> line: it fully matches when every pair matches.</summary>
internal sealed class FilterLine(FilterCondition[] conditions, string text, SourceLocation location)
{
    /// <summary>
    /// The pairs, cheapest and most selective first (a line matches only when all do, so the order
    /// changes nothing but the time a miss takes): media, group and server before the event name,
    /// which the route table has usually checked already; other fields, then id and utc_ms last.
    /// </summary>
    public FilterCondition[] Conditions { get; } = conditions.OrderBy(c => Cost(c.Field)).ToArray();

    /// <summary>The line as written, e.g. <c>only event=stream_started media=cbc;</c>.</summary>
    public string Text { get; } = text;

    public SourceLocation Location { get; } = location;

    public bool NeedsBuiltEvent => Conditions.Any(c => c.Field is FilterField.Id or FilterField.UtcMs);

    public static FilterLine From(ConfigDirective line) =>
        new(line.Arguments.Where(a => a.IsKeyValue).Select(FilterCondition.From).ToArray(), line.Text, line.Location);

    private static int Cost(FilterField field) => field switch
    {
        FilterField.Media => 0,
        FilterField.Group => 1,
        FilterField.Server => 2,
        FilterField.Event => 3,
        FilterField.Level => 4,
        FilterField.Other => 5,
        _ => 6,
    };

    public bool Matches(in EventView view)
    {
        foreach (var c in Conditions)
        {
            if (!c.Matches(view)) return false;
        }
        return true;
    }
}
