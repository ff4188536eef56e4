using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// Collects diagnostics in the order they are found. Stops recording errors after
/// <see cref="MaxErrors"/> so a garbage file gives a readable report, not a million lines. Every
/// message is folded onto one line (<see cref="OneLine"/>): one problem, one line, always.
/// </summary>
internal sealed class DiagnosticBag : IConfigDiagnostics
{
    public const int MaxErrors = 200;
    private const int MaxWarnings = 1000;

    private readonly List<Diagnostic> _recorded = [];
    private Diagnostic? _overflow;
    private int _errors;

    /// <summary>Everything recorded, then the "too many errors" note when errors were dropped.</summary>
    public IReadOnlyList<Diagnostic> Items => _overflow is null ? _recorded : [.. _recorded, _overflow];

    /// <summary>What was recorded, without the overflow note.</summary>
    public IReadOnlyList<Diagnostic> Recorded => _recorded;

    /// <summary>The note saying errors were dropped, or null.</summary>
    public Diagnostic? Overflow => _overflow;

    public bool HasErrors => _errors > 0;

    public int ErrorCount => _errors;

    public void Error(SourceLocation location, string message)
    {
        _errors++;
        if (_errors < MaxErrors) _recorded.Add(new Diagnostic(DiagnosticSeverity.Error, location, OneLine.Fold(message)));
        else if (_errors == MaxErrors) _overflow = new Diagnostic(DiagnosticSeverity.Error, location, $"too many errors ({MaxErrors}); the rest are not shown");
    }

    public void Warning(SourceLocation location, string message)
    {
        if (_recorded.Count - _errors < MaxWarnings) _recorded.Add(new Diagnostic(DiagnosticSeverity.Warning, location, OneLine.Fold(message)));
    }
}
