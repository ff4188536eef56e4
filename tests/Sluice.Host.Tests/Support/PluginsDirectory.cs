namespace Sluice.Host.Tests.Support;

/// <summary>A private copy of the built host's plugins folder, so a test can add, replace and remove plugins.</summary>
internal static class PluginsDirectory
{
    public static string CopyOf(string workDir, params string[] plugins)
    {
        var target = Path.Combine(workDir, "plugins");
        foreach (var name in plugins) CopyDirectory(Path.Combine(RepoPaths.HostPlugins, name), Path.Combine(target, name));
        Directory.CreateDirectory(target);
        return target;
    }

    /// <summary>
    /// Overwrites the files of plugin <paramref name="name"/> in <paramref name="pluginsDir"/> in place with
    /// the host's build of it, stamped now (as a new build would): the running host sees a replacement.
    /// </summary>
    public static int OverwriteInPlace(string pluginsDir, string name)
    {
        var from = Path.Combine(RepoPaths.HostPlugins, name);
        var files = Directory.GetFiles(from, "*", SearchOption.AllDirectories);
        foreach (var file in files)
        {
            var dest = Path.Combine(pluginsDir, name, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
            File.SetLastWriteTimeUtc(dest, DateTime.UtcNow);
        }
        return files.Length;
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
        }
    }
}
