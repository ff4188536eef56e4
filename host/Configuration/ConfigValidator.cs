using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// Checks the tree's shape against the <see cref="DirectiveSpec"/>s the loaded sections register and
/// decides who gets what: each valid top-level directive goes to its owner; a directive the spec
/// documents but nothing implements is a warning and is dropped; a security directive nothing
/// implements, or a name nobody knows, is an error (with a did-you-mean).
/// </summary>
internal sealed class ConfigValidator
{
    private sealed record Owner(DirectiveSpec Spec, IConfigSection Section, string? ConflictWith);

    private readonly Dictionary<string, Owner> _owners = new(StringComparer.Ordinal);
    private readonly IConfigDiagnostics _diagnostics;

    /// <param name="reportAt">Where to report a section whose directive list cannot be read (a broken plugin).</param>
    public ConfigValidator(IEnumerable<IConfigSection> sections, IConfigDiagnostics diagnostics, SourceLocation reportAt)
    {
        _diagnostics = diagnostics;
        foreach (var section in sections)
        {
            IReadOnlyList<DirectiveSpec> specs;
            try { specs = section.Directives ?? []; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                diagnostics.Error(reportAt, $"{section.GetType().Name} failed to list its directives: {e.Message}");
                continue;
            }
            foreach (var spec in specs)
            {
                if (spec is null) continue;
                _owners[spec.Name] = _owners.TryGetValue(spec.Name, out var first)
                    ? first with { ConflictWith = section.GetType().Name }
                    : new Owner(spec, section, null);
            }
        }
    }

    /// <summary>Names some loaded section implements at top level.</summary>
    public IEnumerable<string> Implemented => _owners.Keys;

    /// <summary>The directives each section owns, in file order; shape errors and ignored directives left out.</summary>
    public Dictionary<IConfigSection, List<ConfigDirective>> Validate(IReadOnlyList<ConfigDirective> directives)
    {
        var bySection = new Dictionary<IConfigSection, List<ConfigDirective>>(ReferenceEqualityComparer.Instance);
        var firstSeen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var warned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in directives)
        {
            var repeated = !firstSeen.TryAdd(d.Name, d.Location);
            if (_owners.TryGetValue(d.Name, out var owner))
            {
                if (owner.ConflictWith is not null)
                {
                    _diagnostics.Error(d.Location, $"'{d.Name}' is claimed by both {owner.Section.GetType().Name} and {owner.ConflictWith}; remove one of the plugins");
                    continue;
                }
                if (repeated && !CheckRepeat(d, owner.Spec, firstSeen[d.Name])) continue;
                if (CheckShape(d, owner.Spec) is { } valid)
                {
                    if (!bySection.TryGetValue(owner.Section, out var list)) bySection[owner.Section] = list = [];
                    list.Add(valid);
                }
            }
            else if (SpecDirectives.IsSecurity(d.Name)) SecurityUnsupported(d);
            else if (SpecDirectives.TopLevel.Contains(d.Name))
            {
                if (warned.Add(d.Name)) _diagnostics.Warning(d.Location, $"'{d.Name}' is not supported by this build; ignored");
            }
            else
            {
                _diagnostics.Error(d.Location, $"unknown directive '{d.Name}'{Hint(d.Name, null, () => _owners.Keys.Concat(SpecDirectives.TopLevel))}");
            }
        }
        return bySection;
    }

    private void SecurityUnsupported(ConfigDirective d) =>
        _diagnostics.Error(d.Location, $"'{d.Name}' is a security directive and is not supported by this build; refusing to ignore it");

    private bool CheckRepeat(ConfigDirective d, DirectiveSpec spec, SourceLocation first)
    {
        if (spec.Repeatable) return true;
        _diagnostics.Error(d.Location, $"'{d.Name}' may appear only once (first at {first.Line}:{first.Column})");
        return false;
    }

    /// <summary>The directive with ignored children removed, or null when its shape is wrong (reported).</summary>
    private ConfigDirective? CheckShape(ConfigDirective d, DirectiveSpec spec)
    {
        var ok = true;
        var n = d.Arguments.Count;
        if (n < spec.MinArgs || n > spec.MaxArgs)
        {
            _diagnostics.Error(d.Location, $"'{d.Name}' expects {Expected(spec)}: {spec.Usage}");
            ok = false;
        }
        if (spec.Block == BlockUse.None && d.HasBlock)
        {
            _diagnostics.Error(d.Location, $"'{d.Name}' does not take a block: {spec.Usage}");
            return null;
        }
        if (spec.Block == BlockUse.Required && !d.HasBlock)
        {
            _diagnostics.Error(d.Location, $"'{d.Name}' requires a block: {spec.Usage}");
            return null;
        }
        if (d.Block is null || spec.Children is null) return ok ? d : null;
        var kept = CheckChildren(d, spec.Children, ref ok);
        return ok ? d with { Block = kept } : null;
    }

    private List<ConfigDirective> CheckChildren(ConfigDirective parent, IReadOnlyList<DirectiveSpec> children, ref bool ok)
    {
        var kept = new List<ConfigDirective>(parent.Block!.Count);
        var firstSeen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var c in parent.Block)
        {
            var repeated = !firstSeen.TryAdd(c.Name, c.Location);
            var spec = FindSpec(children, c.Name);
            if (spec is not null)
            {
                if (repeated && !CheckRepeat(c, spec, firstSeen[c.Name])) { ok = false; continue; }
                if (CheckShape(c, spec) is { } valid) kept.Add(valid);
                else ok = false;
            }
            else if (SpecDirectives.IsSecurity(c.Name)) { SecurityUnsupported(c); ok = false; }
            else if (SpecDirectives.IsSpecChild(parent.Name, c.Name))
                _diagnostics.Warning(c.Location, $"'{c.Name}' in '{parent.Name}' is not supported by this build; ignored");
            else
            {
                _diagnostics.Error(c.Location, $"unknown directive '{c.Name}' in '{parent.Name}'{Hint(c.Name, children, () => children.Select(s => s.Name).Concat(SpecDirectives.ChildrenOf(parent.Name)))}");
                ok = false;
            }
        }
        return kept;
    }

    /// <summary>
    /// The did-you-mean suffix, cached per (name, candidate set) and given up after <see cref="MaxHints"/>
    /// distinct names, so a garbage file of unknown names stays linear.
    /// </summary>
    private string Hint(string name, object? scope, Func<IEnumerable<string>> candidates)
    {
        if (_hints.TryGetValue((name, scope), out var hint)) return hint;
        hint = _hints.Count < MaxHints ? DidYouMean.Hint(name, candidates()) : "";
        _hints[(name, scope)] = hint;
        return hint;
    }

    private const int MaxHints = 256;
    private readonly Dictionary<(string, object?), string> _hints = [];

    private static DirectiveSpec? FindSpec(IReadOnlyList<DirectiveSpec> specs, string name)
    {
        foreach (var s in specs) if (s.Name == name) return s;
        return null;
    }

    private static string Expected(DirectiveSpec s) =>
        s.MaxArgs == 0 ? "no arguments"
        : s.MinArgs == s.MaxArgs ? Count(s.MinArgs)
        : s.MaxArgs == int.MaxValue ? "at least " + Count(s.MinArgs)
        : s.MinArgs == 0 ? "at most " + Count(s.MaxArgs)
        : $"{s.MinArgs} to {s.MaxArgs} arguments";

    private static string Count(int n) => n == 1 ? "1 argument" : $"{n} arguments";
}
