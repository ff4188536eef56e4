using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Streams;

/// <summary>
/// Something a stream directive adds to streams (<c>dvr PATH DEPTH;</c>, <c>push URL;</c>,
/// <c>thumbnails;</c>), registered with <see cref="Plugins.IPluginBuilder.AddStreamFeature"/>. The host
/// hands it every <c>stream</c>, <c>ondemand</c> and <c>live</c> block that carries one of its
/// directives: at configuration time to validate, at apply time to create one
/// <see cref="IStreamFeature"/> per directive, whether or not the stream runs (an archive is served
/// while the stream is down); the feature is attached to each run of the stream.
/// </summary>
public interface IStreamFeatureFactory
{
    /// <summary>Short name for listings and errors, e.g. <c>dvr</c>.</summary>
    string Name { get; }

    /// <summary>The stream-block directives it owns; the host checks their shape.</summary>
    IReadOnlyList<DirectiveSpec> Directives { get; }

    /// <summary>Checks one directive of one block; reports through the context's diagnostics.</summary>
    void Validate(StreamFeatureContext context);

    /// <summary>Creates the feature of one directive (disposed when the block or the directive goes away).</summary>
    IStreamFeature Create(StreamFeatureContext context);
}

/// <summary>A stream feature of one directive of one configured block.</summary>
public interface IStreamFeature : IAsyncDisposable
{
    /// <summary>
    /// A run of a stream of this block started (a <c>stream</c> at start, an <c>ondemand</c> one opened
    /// by a viewer, each stream published under a <c>live</c> prefix): the feature reads it, typically
    /// through <see cref="IMediaStream.Subscribe"/>, and must never block it. Disposing the returned
    /// handle ends the feature's work on that run; the host disposes it when the run stops.
    /// </summary>
    IAsyncDisposable Attach(IMediaStream stream);

    /// <summary>
    /// The directive changed (e.g. another depth): apply it in place and return true, or return
    /// false to be disposed and created again.
    /// </summary>
    bool TryReconfigure(StreamFeatureContext context);
}
