namespace Sluice.Abstractions.Streams;

/// <summary>
/// Files served by <c>file PREFIX { path DIR; }</c> blocks, for protocol plugins that play files.
/// Obtained from <c>IPluginBuilder.HostServices</c>.
/// </summary>
public interface IVodLibrary
{
    /// <summary>The configured prefixes (<c>vod</c> for <c>file vod { ... }</c>).</summary>
    IReadOnlyList<string> Prefixes { get; }

    /// <summary>
    /// The absolute path of <paramref name="relativePath"/> inside the folder of <paramref name="prefix"/>,
    /// or null when the prefix is unknown, the file does not exist, or the path leaves the folder
    /// (<c>..</c>, an absolute path, a symbolic link pointing outside).
    /// </summary>
    string? Resolve(string prefix, string relativePath);
}
