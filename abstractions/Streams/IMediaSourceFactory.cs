namespace Sluice.Abstractions.Streams;

/// <summary>
/// A source type, chosen by the scheme of a stream's <c>input URL;</c> (<c>fake://</c>, <c>file://</c>,
/// <c>udp://</c>, <c>tshttp://</c>, <c>rtsp://</c>...). Registered by a plugin with
/// <see cref="Plugins.IPluginBuilder.AddSourceType"/>.
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

    /// <summary>
    /// Checks an input at configuration time, reporting errors and warnings (a file that does not exist
    /// yet) through <see cref="Plugins.FactoryContext.Diagnostics"/> at the option or URL they concern.
    /// </summary>
    void Validate(SourceContext context);

    /// <summary>Creates one attempt at reading the input; the stream creates a new one after each failure.</summary>
    IMediaSource Create(SourceContext context);
}
