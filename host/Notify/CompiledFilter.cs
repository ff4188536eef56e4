using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// A notify block's <c>only</c>/<c>except</c>/<c>verbose</c>, compiled once per configuration.
/// Rules (the spec's): an event below <c>verbose</c> is dropped; any fully matching <c>except</c>
/// line drops it; with no <c>only</c> line it passes; else it passes when ANY <c>only</c> line fully matches.
/// </summary>
internal sealed class CompiledFilter
{
    public static readonly CompiledFilter PassAll = new([], [], null);

    private readonly FilterLine[] _only;
    private readonly FilterLine[] _except;

    public CompiledFilter(FilterLine[] only, FilterLine[] except, EventLevel? verbose)
    {
        _only = only;
        _except = except;
        Verbose = verbose;
        NeedsBuiltEvent = only.Concat(except).Any(l => l.NeedsBuiltEvent);
    }

    public EventLevel? Verbose { get; }

    /// <summary>Some line names <c>id</c> or <c>utc_ms</c>, which only a built event has.</summary>
    public bool NeedsBuiltEvent { get; }

    public static CompiledFilter Compile(NotifyBlockOptions block) =>
        new(block.Only.Select(FilterLine.From).ToArray(), block.Except.Select(FilterLine.From).ToArray(), block.Verbose);

    /// <summary>
    /// The only event names this filter can pass, when every <c>only</c> line names events; null when
    /// any name may pass.
    /// </summary>
    public IReadOnlySet<string>? EventNames()
    {
        if (_only.Length == 0) return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in _only)
        {
            var events = line.Conditions.FirstOrDefault(c => c.Field == FilterField.Event && !c.AnyValue);
            if (events is null) return null;
            names.UnionWith(events.Values);
        }
        return names;
    }

    public bool Passes(in EventView view)
    {
        if (Verbose is { } min && view.Level < min) return false;
        // Same verdict as the spec's order (except first), but a miss on every only line, the
        // common case, returns without running the except lines.
        if (_only.Length > 0 && !AnyMatches(_only, view)) return false;
        return _except.Length == 0 || !AnyMatches(_except, view);
    }

    private static bool AnyMatches(FilterLine[] lines, in EventView view)
    {
        foreach (var line in lines)
        {
            if (line.Matches(view)) return true;
        }
        return false;
    }

    public bool Passes(SluiceEvent evt) => Passes(new EventView(evt));

    /// <summary>Why the event is dropped, or null when it passes (for <c>sluice notify explain</c>).</summary>
    public string? DropReason(in EventView view)
    {
        if (Verbose is { } min && view.Level < min)
            return $"level {view.Level.ToName()} below verbose {min.ToName()}";
        foreach (var line in _except)
        {
            if (line.Matches(view)) return $"matched '{line.Text}' at {line.Location}";
        }
        if (_only.Length == 0) return null;
        foreach (var line in _only)
        {
            if (line.Matches(view)) return null;
        }
        return "no only line matched";
    }
}
