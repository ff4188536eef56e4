using System.Reflection;

namespace Sluice.Abstractions.Plugins;

/// <summary>
/// Which assemblies a plugin takes from the host instead of its own folder, so that contract types
/// unify (a plugin's <see cref="Sinks.IEventSinkFactory"/> is the host's): the contracts and the media
/// toolkit, the logging and DI abstractions, Serilog, and everything of the shared frameworks. Part of
/// the contract: the host's loader and the test helpers (<c>Sluice.Testing</c>) apply exactly this rule;
/// everything else comes from the plugin's folder, so two plugins may carry two versions of a library.
/// </summary>
public static class SharedAssemblies
{
    /// <summary>Assemblies shared by exact simple name.</summary>
    public static IReadOnlyList<string> Names { get; } = ["Sluice.Abstractions", "Sluice.Media"];

    /// <summary>
    /// Assemblies shared by name prefix. <c>Microsoft.ClearScript</c>: a script engine loaded inside a
    /// collectible context keeps that context alive once scripts call .NET, so the host loads it once.
    /// </summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["Microsoft.Extensions.Logging", "Serilog", "Microsoft.ClearScript"];

    /// <summary>Used when the runtime is not a shared framework (self-contained publish).</summary>
    private static readonly string[] FrameworkPrefixes = ["System.", "Microsoft.AspNetCore.", "Microsoft.Extensions.", "Microsoft.Win32.", "Microsoft.CSharp", "Microsoft.VisualBasic", "Microsoft.Net.Http.Headers"];

    private static readonly Lazy<HashSet<string>?> FrameworkAssemblies = new(ListFrameworkAssemblies);

    /// <summary>True when a plugin must take <paramref name="name"/> from the host (if the host has it in a version at least the one asked for).</summary>
    public static bool IsShared(AssemblyName name) => name.Name is { } simple && IsShared(simple);

    /// <summary>True when a plugin must take the assembly of this simple name from the host.</summary>
    public static bool IsShared(string simpleName)
    {
        if (Names.Contains(simpleName, StringComparer.OrdinalIgnoreCase)) return true;
        foreach (var prefix in Prefixes)
        {
            if (simpleName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        if (simpleName.StartsWith("Microsoft.Extensions.", StringComparison.OrdinalIgnoreCase)
            && simpleName.EndsWith(".Abstractions", StringComparison.OrdinalIgnoreCase)) return true;
        return FrameworkAssemblies.Value is { } framework
            ? framework.Contains(simpleName)
            : FrameworkPrefixes.Any(p => simpleName.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || simpleName is "netstandard" or "mscorlib";
    }

    /// <summary>
    /// Simple names of the trusted platform assemblies that live under the runtime's shared frameworks;
    /// null when the runtime is not a shared framework.
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
