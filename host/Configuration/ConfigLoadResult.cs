using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// The outcome of loading a configuration: the configuration (null when there is any error) and
/// every diagnostic found, errors and warnings, in the order found.
/// </summary>
internal sealed record ConfigLoadResult(SluiceConfiguration? Configuration, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Succeeded => Configuration is not null;

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);

    /// <summary>One <c>FILE:LINE:COL: [warning: ]message</c> line per diagnostic, as <c>sluice check</c> prints them.</summary>
    public string Format() => string.Join(Environment.NewLine, Diagnostics);
}
