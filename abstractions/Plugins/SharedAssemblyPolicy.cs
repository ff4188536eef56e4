using System.Reflection;

namespace Sluice.Abstractions.Plugins;

/// <summary>
/// Which assemblies a plugin takes from the host instead of its own folder, so that their types are
/// the host's (a plugin's <see cref="Sinks.IEventSinkFactory"/> is the host's): the contracts, the
/// logging and DI abstractions, Serilog, and everything of the shared frameworks. A shared assembly
/// comes from the host when the host has it in at least the version the plugin asks for, otherwise
/// from the plugin's folder. Everything else a plugin carries stays private to it, even when the host
/// has its own copy (two plugins may use two versions of Polly).
/// <para>
/// One rule for everyone who loads plugins: the host's loader applies <see cref="Default"/>, and so
/// do test helpers that load a plugin folder "exactly as the host does".
/// </para>
/// </summary>
public sealed class SharedAssemblyPolicy
{
    /// <summary>
    /// The shared set beyond the frameworks: simple <em>assembly</em> names (not package names) where
    /// <c>*</c> stands for any text. This list is where an assembly becomes shared: loaded once in the
    /// host's default (non-collectible) context for every plugin, never in a plugin's own context. The
    /// host must ship it too (a <c>PackageReference</c> of Sluice.Host), or plugins fall back to their
    /// own copy. Example: the packages <c>Microsoft.ClearScript.*</c> hold the assemblies
    /// <c>ClearScript.Core</c>, <c>ClearScript.V8</c>..., so their pattern is <c>ClearScript.*</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultPatterns { get; } =
    [
        "Sluice.Abstractions",
        "Sluice.Media",
        "Microsoft.Extensions.*.Abstractions",
        "Microsoft.Extensions.Logging*",
        "Serilog*",
        "ClearScript.*",
    ];

    /// <summary>The rule of this host: <see cref="DefaultPatterns"/> and the shared frameworks.</summary>
    public static SharedAssemblyPolicy Default { get; } = new(DefaultPatterns);

    /// <summary>Used when the runtime is not a shared framework (self-contained publish).</summary>
    private static readonly string[] FrameworkPrefixes =
        ["System.", "Microsoft.AspNetCore.", "Microsoft.Extensions.", "Microsoft.Win32.", "Microsoft.CSharp", "Microsoft.VisualBasic", "Microsoft.Net.Http.Headers"];

    private static readonly Lazy<HashSet<string>?> FrameworkAssemblies = new(ListFrameworkAssemblies);

    private readonly (string Prefix, string? Suffix)[] _patterns;

    /// <param name="patterns">Simple names, each with at most one <c>*</c>; the shared frameworks are always shared.</param>
    public SharedAssemblyPolicy(IEnumerable<string> patterns)
    {
        Patterns = patterns.ToArray();
        _patterns = Patterns.Select(Parse).ToArray();
    }

    public IReadOnlyList<string> Patterns { get; }

    /// <summary>This policy with more shared patterns (e.g. <c>ClearScript.*</c>).</summary>
    public SharedAssemblyPolicy With(params string[] patterns) => new(Patterns.Concat(patterns));

    public bool IsShared(AssemblyName name) => name.Name is { } simple && IsShared(simple);

    public bool IsShared(string simpleName)
    {
        foreach (var (prefix, suffix) in _patterns)
        {
            if (suffix is null
                ? string.Equals(simpleName, prefix, StringComparison.OrdinalIgnoreCase)
                : simpleName.Length >= prefix.Length + suffix.Length
                  && simpleName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                  && simpleName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return FrameworkAssemblies.Value is { } framework
            ? framework.Contains(simpleName)
            : FrameworkPrefixes.Any(p => simpleName.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || simpleName is "netstandard" or "mscorlib";
    }

    /// <summary>
    /// The assemblies a plugin folder carries that are not shared: they load from the folder even when
    /// the host has an assembly of that name. Named after their files (<c>*.dll</c>, any sub-folder).
    /// </summary>
    public IReadOnlyList<AssemblyName> PrivateAssembliesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => !string.IsNullOrEmpty(n) && !IsShared(n!))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(n => new AssemblyName(n!))
            .ToArray();

    private static (string, string?) Parse(string pattern)
    {
        var star = pattern.IndexOf('*');
        if (string.IsNullOrWhiteSpace(pattern) || (star >= 0 && pattern.IndexOf('*', star + 1) >= 0))
            throw new ArgumentException($"'{pattern}' is not an assembly name pattern (a simple name with at most one '*')", nameof(pattern));
        return star < 0 ? (pattern, null) : (pattern[..star], pattern[(star + 1)..]);
    }

    /// <summary>
    /// Simple names of the trusted platform assemblies that live under the runtime's shared frameworks
    /// (Microsoft.NETCore.App, Microsoft.AspNetCore.App); null when the runtime is not a shared framework.
    /// </summary>
    private static HashSet<string>? ListFrameworkAssemblies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ -> .../dotnet/shared/
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var frameworkDir = runtimeDir is null ? null : Path.GetDirectoryName(runtimeDir);
        if (frameworkDir is null || Path.GetFileName(frameworkDir) != "Microsoft.NETCore.App") return null;
        var sharedRoot = Path.GetDirectoryName(frameworkDir);
        if (sharedRoot is null || AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string tpa) return null;
        var prefix = sharedRoot.EndsWith(Path.DirectorySeparatorChar) ? sharedRoot : sharedRoot + Path.DirectorySeparatorChar;
        foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal)) names.Add(Path.GetFileNameWithoutExtension(path));
        }
        return names;
    }
}
