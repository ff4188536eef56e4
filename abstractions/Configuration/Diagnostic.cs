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

/// <summary>Ready-made diagnostics.</summary>
public static class ConfigDiagnostics
{
    /// <summary>Drops everything: for reads whose problems were reported already (binding again at creation time).</summary>
    public static IConfigDiagnostics Ignore { get; } = new Ignoring();

    private sealed class Ignoring : IConfigDiagnostics
    {
        public void Error(SourceLocation location, string message) { }
        public void Warning(SourceLocation location, string message) { }
    }
}

/// <summary>Diagnostics that keep what they are told, in order; <see cref="HasErrors"/> after a check.</summary>
public sealed class DiagnosticList : IConfigDiagnostics
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public IEnumerable<Diagnostic> Errors => _items.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Diagnostic> Warnings => _items.Where(d => d.Severity == DiagnosticSeverity.Warning);

    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Error(SourceLocation location, string message) => _items.Add(new Diagnostic(DiagnosticSeverity.Error, location, message));

    public void Warning(SourceLocation location, string message) => _items.Add(new Diagnostic(DiagnosticSeverity.Warning, location, message));
}
