using System.Reflection;

namespace Sluice.Host.Api;

/// <summary>Facts about this host process for the API and the CLI.</summary>
internal static class HostInfo
{
    public static string Version { get; } =
        typeof(HostInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Default plugin folder: <c>plugins/</c> beside the executable.</summary>
    public static string DefaultPluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");
}
