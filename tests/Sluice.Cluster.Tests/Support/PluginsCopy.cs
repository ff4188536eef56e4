namespace Sluice.Cluster.Tests.Support;

/// <summary>A server's own copy of some of the built host's plugin folders, whose plugins a test can then replace in place.</summary>
internal static class PluginsCopy
{
    public static string Of(string folder, params string[] plugins)
    {
        foreach (var name in plugins) Copy(Path.Combine(HostPaths.Plugins, name), Path.Combine(folder, name), DateTime.UtcNow);
        return folder;
    }

    /// <summary>Overwrites plugin <paramref name="name"/>'s files in <paramref name="folder"/> with the host's build, stamped now, as a new build would.</summary>
    public static void Overwrite(string folder, string name) => Copy(Path.Combine(HostPaths.Plugins, name), Path.Combine(folder, name), DateTime.UtcNow);

    private static void Copy(string from, string to, DateTime stamp)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
            File.SetLastWriteTimeUtc(dest, stamp);
        }
    }
}
