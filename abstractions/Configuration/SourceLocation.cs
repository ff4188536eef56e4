namespace Sluice.Abstractions.Configuration;

/// <summary>A position in a configuration file; line and column are 1-based.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
