using Microsoft.Extensions.Primitives;
using Sluice.Abstractions.Events;
using Sluice.Host.Configuration;
using Sluice.Host.Notify;

namespace Sluice.Host.Api.Events;

/// <summary>
/// A notify block's filter written in a query string: each <c>only=</c> and <c>except=</c> value is one
/// line of the notify language (<c>only=event=stream_started,stream_stopped media=cbc</c>), <c>verbose=LEVEL</c>
/// the block's <c>verbose</c>. Parsed by the configuration parser and compiled into the router's own
/// <see cref="CompiledFilter"/>, so a line means here exactly what it means in a notify block.
/// </summary>
internal static class QueryFilter
{
    public static CompiledFilter? TryParse(StringValues only, StringValues except, StringValues verbose, out string? error)
    {
        var problems = new DiagnosticBag();
        var onlyLines = Lines("only", only, problems);
        var exceptLines = Lines("except", except, problems);
        EventLevel? level = null;
        if (verbose.Count > 0)
        {
            if (verbose.Count == 1 && EventLevels.TryParse(verbose[0], out var parsed)) level = parsed;
            else problems.Error(new("verbose", 1, 1), $"'verbose' expects one of {string.Join(", ", EventLevels.All)}, got '{verbose}'");
        }
        if (problems.HasErrors)
        {
            error = string.Join("; ", problems.Items.Where(d => d.Severity == Abstractions.Configuration.DiagnosticSeverity.Error).Select(d => d.ToString()));
            return null;
        }
        error = null;
        return new CompiledFilter(onlyLines, exceptLines, level);
    }

    private static FilterLine[] Lines(string name, StringValues values, DiagnosticBag problems)
    {
        var lines = new List<FilterLine>();
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            // Each line is parsed as the directive it stands for; locations read "only:1:COL".
            var text = $"{name} {value};";
            var parsed = ConfigParser.Parse(text, name, problems);
            if (parsed is not [{ } line] || line.Name != name || line.HasBlock)
            {
                problems.Error(new(name, 1, 1), $"'{name}' expects key=value pairs, got '{value}'");
                continue;
            }
            if (NotifyConfigSection.CheckFilterLine(line, problems)) lines.Add(FilterLine.From(line));
        }
        return lines.ToArray();
    }
}
