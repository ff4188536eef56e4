using Microsoft.Extensions.Logging;

namespace Sluice.Media.Streams;

/// <summary>
/// A source type, chosen by the scheme of a stream's <c>input URL;</c> (<c>fake://</c>, <c>file://</c>,
/// <c>udp://</c>, <c>tshttp://</c>, <c>rtsp://</c>...). Registered by a plugin with
/// <c>IPluginBuilder.Add&lt;IMediaSourceFactory&gt;(factory)</c>.
/// </summary>
public interface IMediaSourceFactory
{
    /// <summary>Short name for listings and errors, e.g. <c>udp</c>.</summary>
    string Name { get; }

    /// <summary>URL schemes it reads, lower case, without <c>://</c>.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>
    /// Claims an input URL. The default claims by scheme; a factory may be pickier
    /// (<c>http://.../x.ts</c> is MPEG-TS over HTTP, other <c>http://</c> URLs go elsewhere).
    /// </summary>
    bool Claims(Uri url) => Schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase);

    /// <summary>Checks an input at configuration time; returns an error message, or null when fine.</summary>
    string? Validate(SourceContext context) => null;

    /// <summary>Creates one attempt at reading the input; the stream creates a new one after each failure.</summary>
    IMediaSource Create(SourceContext context);
}

/// <summary>What a source learns about the input it reads.</summary>
public sealed class SourceContext
{
    /// <summary>The stream's name.</summary>
    public required string StreamName { get; init; }

    /// <summary>The input URL as written (relative <c>file://</c> paths resolve against <see cref="ConfigDirectory"/>).</summary>
    public required Uri Url { get; init; }

    /// <summary>The URL text exactly as written in the configuration.</summary>
    public required string UrlText { get; init; }

    /// <summary><c>key=value</c> options written after the URL on the <c>input</c> line.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Folder of the configuration file.</summary>
    public string ConfigDirectory { get; init; } = Directory.GetCurrentDirectory();

    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>
    /// During <see cref="IMediaSourceFactory.Validate"/>: reports something worth an operator's attention
    /// that does not make the configuration invalid (a file that does not exist yet). Printed as a
    /// warning at the input's location.
    /// </summary>
    public Action<string> Warn { get; init; } = _ => { };
}
