using System.Reflection;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// Loads a configuration whole: parse (with includes), check shape against the sections' specs, bind
/// each section. Every stage runs even after errors in an earlier one, so one run reports everything;
/// the result carries a configuration only when there is no error. A section that throws is reported
/// at its first directive, and the others still bind.
/// </summary>
internal sealed class ConfigLoader
{
    /// <summary>The file name the embedded default configuration is reported under.</summary>
    public const string DefaultFileName = "<default>";

    private const string DefaultResource = "Sluice.Host.default.conf";

    private readonly IReadOnlyList<IConfigSection> _sections;
    private readonly IServiceProvider _services;

    /// <param name="sections">Core sections first, then the plugins' in load order.</param>
    /// <param name="services">What sections may use while binding; an empty provider when null.</param>
    public ConfigLoader(IEnumerable<IConfigSection> sections, IServiceProvider? services = null)
    {
        _services = services ?? EmptyServiceProvider.Instance;
        var contributions = _services.GetService(typeof(Plugins.IPluginContributions)) as Plugins.IPluginContributions;
        _sections = sections.Select(s => s is IContributionsSection c && contributions is not null ? c.For(contributions) : s).ToArray();
    }

    /// <summary><see cref="LoadFile"/> when a path is given (<c>-c FILE</c>), else <see cref="LoadDefault"/>.</summary>
    public ConfigLoadResult Load(string? path) => path is null ? LoadDefault() : LoadFile(path);

    /// <summary>Loads <paramref name="path"/>; relative paths in it are relative to its folder.</summary>
    public ConfigLoadResult LoadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new DiagnosticBag();
        var reader = new ConfigDocumentReader(diagnostics);
        var tree = reader.ReadFile(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return Bind(tree, path, path, directory, diagnostics, reader.Files);
    }

    /// <summary>Loads configuration text reported as <paramref name="fileName"/>, with paths relative to <paramref name="directory"/>.</summary>
    public ConfigLoadResult LoadString(string text, string fileName, string directory)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(directory);
        var diagnostics = new DiagnosticBag();
        var reader = new ConfigDocumentReader(diagnostics);
        var tree = reader.ReadString(text, fileName, directory);
        return Bind(tree, null, fileName, Path.GetFullPath(directory), diagnostics, reader.Files);
    }

    /// <summary>
    /// Binds the tree of an already validated configuration again (no file is read): whether it still
    /// holds with these sections and services, e.g. without one plugin's.
    /// </summary>
    public ConfigLoadResult Rebind(SluiceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var displayName = configuration.Directives.FirstOrDefault()?.Location.File ?? configuration.FilePath ?? DefaultFileName;
        return Bind(configuration.Directives, configuration.FilePath, displayName, configuration.Directory, new DiagnosticBag(), []);
    }

    /// <summary>Loads the embedded default configuration (file name <c>&lt;default&gt;</c>, folder beside the executable).</summary>
    public ConfigLoadResult LoadDefault() => LoadString(DefaultText, DefaultFileName, AppContext.BaseDirectory);

    /// <summary>The embedded default configuration's text.</summary>
    public static string DefaultText
    {
        get
        {
            using var stream = typeof(ConfigLoader).Assembly.GetManifestResourceStream(DefaultResource)
                ?? throw new InvalidOperationException($"resource {DefaultResource} is missing from the host");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    private ConfigLoadResult Bind(IReadOnlyList<ConfigDirective> tree, string? filePath, string displayName, string directory, DiagnosticBag diagnostics, IReadOnlyList<string> files)
    {
        var fallback = new SourceLocation(displayName, 1, 1);
        var owned = new ConfigValidator(_sections, diagnostics, fallback).Validate(tree);
        var context = new ConfigBindContext(diagnostics, directory, _services);
        var bound = new Dictionary<Type, object>();
        foreach (var section in _sections)
        {
            IReadOnlyList<ConfigDirective> mine = owned.TryGetValue(section, out var list) ? list : [];
            var at = mine.Count > 0 ? mine[0].Location : FirstWritten(tree, section) ?? fallback;
            object? options;
            try
            {
                options = section.Bind(mine, context);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                diagnostics.Error(at, $"{section.GetType().Name} failed while binding: {inner.GetType().Name}: {inner.Message}");
                continue;
            }
            if (options is null)
            {
                diagnostics.Error(at, $"{section.GetType().Name} returned no options");
                continue;
            }
            if (!bound.TryAdd(options.GetType(), options))
                diagnostics.Error(at, $"{section.GetType().Name} binds {options.GetType().Name}, which another section already binds");
        }
        var all = Scrubbed(InSourceOrder(diagnostics.Recorded, diagnostics.Overflow, [displayName, .. files]), SecretScrubber.From(tree));
        if (diagnostics.HasErrors) return new ConfigLoadResult(null, all);
        var warnings = all.Where(d => d.Severity == DiagnosticSeverity.Warning).ToArray();
        return new ConfigLoadResult(new SluiceConfiguration(filePath, directory, tree, bound, warnings), all);
    }

    /// <summary>
    /// Diagnostics of all stages merged in reading order: by file (the main one, then included files in
    /// the order they were read), then line and column; stable, so one location keeps the stage order.
    /// </summary>
    private static Diagnostic[] InSourceOrder(IReadOnlyList<Diagnostic> items, Diagnostic? overflow, IEnumerable<string> files)
    {
        var fileRank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in files) fileRank.TryAdd(f, fileRank.Count);
        foreach (var d in items) fileRank.TryAdd(d.Location.File, fileRank.Count);
        var sorted = items.OrderBy(d => fileRank[d.Location.File]).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column);
        return overflow is null ? sorted.ToArray() : [.. sorted, overflow];
    }

    /// <summary>Messages quote values as written (<c>bad port in 'smtp://user:pass@host:99999'</c>): never a secret of the file.</summary>
    private static IReadOnlyList<Diagnostic> Scrubbed(IReadOnlyList<Diagnostic> diagnostics, SecretScrubber scrubber)
    {
        var result = new Diagnostic[diagnostics.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var d = diagnostics[i];
            var message = scrubber.Scrub(d.Message);
            result[i] = message == d.Message ? d : d with { Message = message };
        }
        return result;
    }

    /// <summary>Where the section's first directive was written, even if it failed validation.</summary>
    private static SourceLocation? FirstWritten(IReadOnlyList<ConfigDirective> tree, IConfigSection section)
    {
        try
        {
            var names = section.Directives.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var d in tree) if (names.Contains(d.Name)) return d.Location;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Already reported by the validator.
        }
        return null;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
