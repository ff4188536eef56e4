namespace Sluice.Abstractions.Configuration;

/// <summary>
/// A parsed, validated configuration: the tree as written and the options each section bound.
/// Immutable; a reload produces a new one.
/// </summary>
public sealed class SluiceConfiguration(
    string? filePath,
    string directory,
    IReadOnlyList<ConfigDirective> directives,
    IReadOnlyDictionary<Type, object> sections,
    IReadOnlyList<Diagnostic> warnings)
{
    /// <summary>The main file, or null for the embedded default configuration.</summary>
    public string? FilePath { get; } = filePath;

    public string Directory { get; } = directory;

    public IReadOnlyList<ConfigDirective> Directives { get; } = directives;

    public IReadOnlyList<Diagnostic> Warnings { get; } = warnings;

    /// <summary>The options a section bound, by their type; null when no loaded section produces it.</summary>
    public T? Get<T>() where T : class => sections.TryGetValue(typeof(T), out var o) ? (T)o : null;

    /// <summary>Every bound options object.</summary>
    public IEnumerable<object> Sections => sections.Values;
}

/// <summary>
/// A component that turns the configuration into runtime objects. Called after a configuration was
/// validated whole (at start, on reload, and after a plugin swap); it applies only what changed.
/// </summary>
public interface IConfigurationListener
{
    ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken);
}
