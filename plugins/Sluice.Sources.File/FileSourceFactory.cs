using Sluice.Abstractions.Streams;
using Sluice.FFmpeg;

namespace Sluice.Sources.Files;

/// <summary>
/// <c>file://PATH</c>: relative paths (<c>file://vod/bunny.mp4</c>) resolve against the configuration's
/// folder, <c>file:///abs/path</c> is absolute. <c>.ts</c>/<c>.m2ts</c>/<c>.mts</c> files are read in managed
/// code; other containers (mp4, mkv, flv, mov...) are remuxed by <c>ffmpeg -re -stream_loop -1</c>.
/// </summary>
internal sealed class FileSourceFactory : IMediaSourceFactory
{
    private static readonly string[] TsExtensions = [".ts", ".m2ts", ".mts", ".mpegts"];

    public string Name => "file";

    public IReadOnlyList<string> Schemes { get; } = ["file"];

    public void Validate(SourceContext context)
    {
        // A file that is not there yet is not a configuration error: the stream retries until it appears.
        var path = FilePath(context);
        if (!System.IO.File.Exists(path)) context.Warning($"file not found: {path}; the stream retries until it exists");
    }

    public IMediaSource Create(SourceContext context)
    {
        var path = FilePath(context);
        if (TsExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            return new TsFileSource(path, context.Logger, context.Time);
        return new FFmpegFileSource(path, FFmpegLocator.Resolve(context), context.Logger, context.Time);
    }

    /// <summary>The file an input names: <c>file://</c> stripped, percent-escapes decoded, relative to the config folder.</summary>
    internal static string FilePath(SourceContext context)
    {
        var text = context.Spec;
        const string prefix = "file://";
        var rest = text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? text[prefix.Length..] : context.Url.LocalPath;
        var query = rest.IndexOf('?');
        if (query >= 0) rest = rest[..query];
        rest = Uri.UnescapeDataString(rest);
        return Path.GetFullPath(Path.IsPathRooted(rest) ? rest : Path.Combine(context.ConfigDirectory, rest));
    }
}
