namespace Sluice.Abstractions;

/// <summary>The version of these contracts; the host loads plugins built on the same major version.</summary>
public static class AbstractionsInfo
{
    public static Version Version { get; } = typeof(AbstractionsInfo).Assembly.GetName().Version ?? new Version(1, 0);
}
