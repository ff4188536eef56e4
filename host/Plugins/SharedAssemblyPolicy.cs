using System.Reflection;

namespace Sluice.Host.Plugins;

/// <summary>
/// Which assemblies a plugin takes from the host instead of its own folder, so that contract types
/// unify (a plugin's <c>IEventSinkFactory</c> is the host's): the contracts, the logging and
/// DI abstractions, Serilog, and everything of the shared frameworks.
/// </summary>
internal static class SharedAssemblyPolicy
{
    private static readonly string[] SharedNames = ["Sluice.Abstractions", "Sluice.Media"];
    // ClearScript (packages Microsoft.ClearScript.*, assemblies ClearScript.Core, ClearScript.V8): a collectible
    // context that loads it itself is never collected once a script called into .NET, so the JavaScript sink
    // plugin takes the host's copy (the host references the packages).
    private static readonly string[] SharedPrefixes = ["Microsoft.Extensions.Logging", "Serilog", "ClearScript."];

    /// <summary>Used when the runtime is not a shared framework (self-contained publish).</summary>
    private static readonly string[] FrameworkPrefixes = ["System.", "Microsoft.AspNetCore.", "Microsoft.Extensions.", "Microsoft.Win32.", "Microsoft.CSharp", "Microsoft.VisualBasic", "Microsoft.Net.Http.Headers"];

    private static readonly Lazy<HashSet<string>?> FrameworkAssemblies = new(ListFrameworkAssemblies);

    public static bool IsShared(AssemblyName name)
    {
        var simple = name.Name;
        if (simple is null) return false;
        if (SharedNames.Contains(simple, StringComparer.OrdinalIgnoreCase)) return true;
        foreach (var prefix in SharedPrefixes)
        {
            if (simple.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        if (simple.StartsWith("Microsoft.Extensions.", StringComparison.OrdinalIgnoreCase)
            && simple.EndsWith(".Abstractions", StringComparison.OrdinalIgnoreCase)) return true;
        return FrameworkAssemblies.Value is { } framework
            ? framework.Contains(simple)
            : FrameworkPrefixes.Any(p => simple.StartsWith(p, StringComparison.OrdinalIgnoreCase)) || simple is "netstandard" or "mscorlib";
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
