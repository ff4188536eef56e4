using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Notify;

/// <summary>An <c>only</c> or <c>except</c> line: it fully matches when every pair matches.</summary>
internal sealed class FilterLine(FilterCondition[] conditions, string text, SourceLocation location)
{
    public FilterCondition[] Conditions { get; } = conditions;

    /// <summary>The line as written, e.g. <c>only event=stream_started media=cbc;</c>.</summary>
    public string Text { get; } = text;

    public SourceLocation Location { get; } = location;

    public bool NeedsBuiltEvent => Conditions.Any(c => c.Field is FilterField.Id or FilterField.UtcMs);

    public static FilterLine From(ConfigDirective line) =>
        new(line.Arguments.Where(a => a.IsKeyValue).Select(FilterCondition.From).ToArray(), line.Text, line.Location);

    public bool Matches(in EventView view)
    {
        foreach (var c in Conditions)
        {
            if (!c.Matches(view)) return false;
        }
        return true;
    }
}
