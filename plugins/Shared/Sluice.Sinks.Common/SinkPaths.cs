namespace Sluice.Sinks.Common;

/// <summary>Paths written in a notify block are relative to the configuration file's folder.</summary>
public static class SinkPaths
{
    public static string Resolve(string configDirectory, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(configDirectory, path));
}
