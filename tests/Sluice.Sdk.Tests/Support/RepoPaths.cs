using System.Reflection;

namespace Sluice.Sdk.Tests.Support;

/// <summary>Where the repository and the built host are, from the test assembly's location.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration these tests were built in, and so the host.</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Abstractions => Path.Combine(Root, "abstractions");

    public static string Media => Path.Combine(Root, "abstractions", "Media");

    public static string Testing => Path.Combine(Root, "abstractions", "Testing");

    public static string Templates => Path.Combine(Root, "sdk-templates");

    public static string HostExecutable => Path.Combine(Root, "host", "bin", Configuration, "net10.0", "sluice");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plugins.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Plugins.sln not found above " + AppContext.BaseDirectory);
    }
}
