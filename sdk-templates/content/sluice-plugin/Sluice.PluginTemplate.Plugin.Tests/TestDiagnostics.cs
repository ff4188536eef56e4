using Sluice.Abstractions.Configuration;

namespace Sluice.PluginTemplate.Plugin.Tests;

/// <summary>Collects what validation reports, as the host does before it prints FILE:LINE:COL: message.</summary>
internal sealed class TestDiagnostics : IConfigDiagnostics
{
    public List<Diagnostic> All { get; } = [];

    public IEnumerable<Diagnostic> Errors => All.Where(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceLocation location, string message) => All.Add(new(DiagnosticSeverity.Error, location, message));

    public void Warning(SourceLocation location, string message) => All.Add(new(DiagnosticSeverity.Warning, location, message));
}
