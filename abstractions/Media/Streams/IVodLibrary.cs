namespace Sluice.Media.Streams;

/// <summary>
/// The files of <c>file PREFIX { path DIR; }</c> directives, for protocol plugins that serve video on
/// demand (<c>/PREFIX/movie.mp4/index.m3u8</c>). Obtained from <c>IPluginBuilder.HostServices</c>.
/// </summary>
public interface IVodLibrary
{
    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside the folder of <paramref name="prefix"/>,
    /// or null when the prefix is unknown, the file does not exist or the path escapes the folder.
    /// </summary>
    string? Resolve(string prefix, string relativePath);

    /// <summary>The configured prefixes.</summary>
    IReadOnlyList<string> Prefixes { get; }
}
