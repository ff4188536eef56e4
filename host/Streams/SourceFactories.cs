using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>Choosing the source factory for an input, and what it is told.</summary>
internal static class SourceFactories
{
    /// <summary>The first factory (core first, then plugins in load order) that claims the URL; a factory that throws claims nothing.</summary>
    public static IMediaSourceFactory? Claiming(IReadOnlyList<IMediaSourceFactory> factories, Uri url)
    {
        foreach (var f in factories)
        {
            try
            {
                if (f.Claims(url)) return f;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A broken plugin must not break the others' inputs.
            }
        }
        return null;
    }

    public static SourceContext Context(string stream, InputOptions input, string configDirectory, IConfigDiagnostics diagnostics,
        IServiceProvider services, TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null) => new()
    {
        StreamName = stream,
        Url = input.Url,
        Spec = input.UrlText,
        Location = input.Location,
        Options = input.Options,
        Diagnostics = diagnostics,
        ConfigDirectory = configDirectory,
        Services = services,
        Time = time,
        Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };
}

/// <summary>Input URL syntax.</summary>
internal static class InputUrls
{
    /// <summary>
    /// An absolute <c>scheme://...</c> URL. <c>file://vod/movie.mp4</c> parses with host <c>vod</c>; the
    /// file source reads it as a path relative to the configuration's folder (<c>file:///abs</c> is absolute).
    /// </summary>
    public static bool TryParse(string text, out Uri url)
    {
        url = null!;
        var sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0 || text.Any(char.IsWhiteSpace)) return false;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed)) return false;
        url = parsed;
        return true;
    }
}
