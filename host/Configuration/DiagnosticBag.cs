using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// Collects diagnostics in the order they are found. Stops recording errors after
/// <see cref="MaxErrors"/> so a garbage file gives a readable report, not a million lines.
/// </summary>
internal sealed class DiagnosticBag : IConfigDiagnostics
{
    public const int MaxErrors = 200;

    private readonly List<Diagnostic> _items = [];
    private int _errors;

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _errors > 0;

    public int ErrorCount => _errors;

    public void Error(SourceLocation location, string message)
    {
        _errors++;
        if (_errors < MaxErrors) _items.Add(new Diagnostic(DiagnosticSeverity.Error, location, message));
        else if (_errors == MaxErrors) _items.Add(new Diagnostic(DiagnosticSeverity.Error, location, $"too many errors ({MaxErrors}); the rest are not shown"));
    }

    public void Warning(SourceLocation location, string message)
    {
        if (_items.Count < MaxErrors * 5) _items.Add(new Diagnostic(DiagnosticSeverity.Warning, location, message));
    }
}
