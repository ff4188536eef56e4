using Sluice.Abstractions.Configuration;

namespace Sluice.Abstractions.Protocols;

/// <summary>
/// A protocol with listeners of its own (<c>rtmp PORT;</c>, <c>rtmps ADDR:PORT;</c>), registered with
/// <see cref="Plugins.IPluginBuilder.AddProtocol"/>. The host owns the listener directives' syntax
/// (<c>PORT</c> or <c>ADDR:PORT</c>, several allowed), opens and closes listeners as reloads add and
/// remove them, and emits <c>listener_start</c> / <c>listener_failure</c>. Protocols served on the
/// host's HTTP listeners (HLS) register routes instead.
/// </summary>
public interface IProtocolFactory
{
    /// <summary>Short name for listings and errors, e.g. <c>rtmp</c>.</summary>
    string Name { get; }

    /// <summary>The top-level directives it serves, e.g. <c>rtmp</c> and <c>rtmps</c>; the block's shape, if any, is checked by the host.</summary>
    IReadOnlyList<DirectiveSpec> Directives { get; }

    /// <summary>Checks one listener directive (certificates, options); reports through the context's diagnostics.</summary>
    void Validate(ListenerContext context);

    /// <summary>Creates one listener; the host starts it and disposes it when the directive goes away.</summary>
    IProtocolListener Create(ListenerContext context);
}

/// <summary>One open port of a protocol.</summary>
public interface IProtocolListener : IAsyncDisposable
{
    /// <summary>Binds and starts accepting; throws when the port cannot be bound (the host reports <c>listener_failure</c>).</summary>
    Task StartAsync(CancellationToken cancellationToken);
}
