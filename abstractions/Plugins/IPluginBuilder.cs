using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Protocols;
using Sluice.Abstractions.Sinks;
using Sluice.Abstractions.Streams;

namespace Sluice.Abstractions.Plugins;

/// <summary>
/// What a plugin may contribute to the host, one typed method per kind. Every factory follows one
/// shape: it claims specs, validates a <see cref="FactoryContext"/> by reporting to its diagnostics,
/// and creates runtime objects from a validated one.
/// </summary>
public interface IPluginBuilder
{
    /// <summary>The plugin's manifest.</summary>
    PluginManifest Manifest { get; }

    /// <summary>
    /// Host services: <see cref="Events.IEventEmitter"/>, <see cref="ILoggerFactory"/>, the configuration in
    /// force (<see cref="IConfigurationAccessor"/>), <see cref="IStreamRegistry"/>, <see cref="ISessionTracker"/>,
    /// <see cref="IVodLibrary"/>, <see cref="TimeProvider"/> and whatever later contracts add.
    /// </summary>
    IServiceProvider HostServices { get; }

    ILoggerFactory LoggerFactory { get; }

    /// <summary>The host's clock (also in <see cref="HostServices"/>): plugins wait and timestamp through it.</summary>
    TimeProvider Time { get; }

    /// <summary>Top-level directives the plugin owns and binds.</summary>
    IPluginBuilder AddConfigSection(IConfigSection section);

    /// <summary>A notify sink type, chosen by a block's sink spec.</summary>
    IPluginBuilder AddSinkType(IEventSinkFactory factory);

    /// <summary>A source type, chosen by the scheme of an input URL.</summary>
    IPluginBuilder AddSourceType(IMediaSourceFactory factory);

    /// <summary>A protocol with listeners of its own (<c>rtmp PORT;</c>).</summary>
    IPluginBuilder AddProtocol(IProtocolFactory factory);

    /// <summary>A stream directive that adds something to streams (<c>dvr</c>, <c>push</c>, <c>thumbnails</c>).</summary>
    IPluginBuilder AddStreamFeature(IStreamFeatureFactory factory);

    /// <summary>A cluster-ingest strategy, chosen by <c>cluster_ingest_engine</c> (or by <c>peer</c> lines alone).</summary>
    IPluginBuilder AddClusterStrategy(IClusterStrategyFactory factory);

    /// <summary>HTTP endpoints on the host's listeners (removed again when the plugin unloads).</summary>
    IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map);

    /// <summary>A long-running part started after the configuration is applied and stopped before unload.</summary>
    IPluginBuilder AddService(IPluginService service);

    /// <summary>Reacts to every validated configuration (start, reload, swap).</summary>
    IPluginBuilder AddConfigurationListener(IConfigurationListener listener);
}

/// <summary>A plugin's background part.</summary>
public interface IPluginService
{
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops and releases everything (threads, timers, sockets, static handlers) so the plugin can unload.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>The configuration in force.</summary>
public interface IConfigurationAccessor
{
    SluiceConfiguration Current { get; }
}
