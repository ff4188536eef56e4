namespace Sluice.Abstractions.Configuration;

public enum DiagnosticSeverity { Warning, Error }

/// <summary>A problem found in a configuration, printed as <c>FILE:LINE:COL: message</c>.</summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, SourceLocation Location, string Message)
{
    public override string ToString() =>
        Severity == DiagnosticSeverity.Warning ? $"{Location}: warning: {Message}" : $"{Location}: {Message}";
}

/// <summary>Collects every problem of a configuration; binding goes on after an error so all are reported.</summary>
public interface IConfigDiagnostics
{
    void Error(SourceLocation location, string message);
    void Warning(SourceLocation location, string message);
}
