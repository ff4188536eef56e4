using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.Abstractions.Plugins;

/// <summary>What a plugin may contribute to the host.</summary>
public interface IPluginBuilder
{
    /// <summary>The plugin's manifest.</summary>
    PluginManifest Manifest { get; }

    /// <summary>
    /// Host services: <see cref="Events.IEventEmitter"/>, <see cref="ILoggerFactory"/>, the current
    /// configuration (<see cref="IConfigurationAccessor"/>) and whatever later contracts add.
    /// </summary>
    IServiceProvider HostServices { get; }

    ILoggerFactory LoggerFactory { get; }

    /// <summary>Top-level directives the plugin owns and binds.</summary>
    IPluginBuilder AddConfigSection(IConfigSection section);

    /// <summary>A notify sink type.</summary>
    IPluginBuilder AddSinkType(IEventSinkFactory factory);

    /// <summary>HTTP endpoints on the host's listeners (removed again when the plugin unloads).</summary>
    IPluginBuilder AddRoutes(Action<IEndpointRouteBuilder> map);

    /// <summary>A long-running part started after the configuration is applied and stopped before unload.</summary>
    IPluginBuilder AddService(IPluginService service);

    /// <summary>Reacts to every validated configuration (start, reload, swap).</summary>
    IPluginBuilder AddConfigurationListener(IConfigurationListener listener);

    /// <summary>Any other contract a later host version understands (sources, protocols...).</summary>
    IPluginBuilder Add<TContract>(TContract contribution) where TContract : class;
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
