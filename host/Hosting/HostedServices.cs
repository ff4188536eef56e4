using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Host.Api;
using Sluice.Host.Events;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Protocols;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>The notify router: nothing to start (the coordinator applies its blocks); at stop it drains every block, last of all.</summary>
internal sealed class EventRouterService(EventRouter router) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => router.DisposeAsync().AsTask();
}

/// <summary>
/// Plugins: loaded before anything else starts (they bring sections, sink types, sources); their services start
/// and plugins_dir is watched once the server is up; at stop they unload, after the streams that run their code.
/// </summary>
internal sealed class PluginHostService(PluginManager plugins, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Host");

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await plugins.LoadAllAsync(cancellationToken);
        foreach (var p in plugins.Plugins.Where(p => p.State == PluginState.Failed))
            _log.LogError("plugin {Name} failed: {Error}", p.Name, p.Error);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await plugins.StartServicesAsync(cancellationToken);
        plugins.StartWatching();
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => plugins.DisposeAsync().AsTask();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The configuration applied at start through the coordinator; an invalid one (or one that cannot be built) stops the start.</summary>
internal sealed class ConfigurationService(ConfigurationCoordinator coordinator) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await coordinator.StartAsync(cancellationToken);
        if (!result.Applied) throw new ConfigurationRefusedException(result);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Thrown out of the host's start when the first configuration did not apply (exit code 1).</summary>
internal sealed class ConfigurationRefusedException(Configuration.ConfigApplyResult result)
    : Exception("the configuration is invalid or could not be applied: " + string.Join("; ", result.Errors))
{
    public Configuration.ConfigApplyResult Result { get; } = result;
}

/// <summary>The stream registry: its housekeeping runs while the host does; at stop every stream stops (before plugins unload).</summary>
internal sealed class StreamRegistryService(StreamRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.StartHousekeeping();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => registry.DisposeAsync().AsTask();
}

/// <summary>Protocol listeners: opened by the coordinator; closed first at stop (no new publishers or players).</summary>
internal sealed class ProtocolListenersService(ProtocolListeners listeners) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => listeners.DisposeAsync().AsTask();
}

/// <summary>Once every service and the HTTP listeners are up: <c>listener_start</c> per <c>http</c>/<c>https</c>, <c>server_started</c>, the log line.</summary>
internal sealed class ServerStartedService(ServerState state, EventRouter router, StreamRegistry streams, PluginManager plugins,
    Configuration.ConfigSource source, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Host");

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        state.Started();
        foreach (var (ep, scheme) in state.Core.Listeners())
        {
            router.ListenerStart(ep.ToString(), scheme);
            _log.LogInformation("listening on {Scheme}://{Address}", scheme, ep);
        }
        router.ServerStarted(HostInfo.Version);
        _log.LogInformation("sluice {Version} started as {Hostname} with {Config}; plugins from {PluginsDir}",
            HostInfo.Version, state.Core.Hostname, source.DisplayName, plugins.PluginsDirectory);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _log.LogInformation("sluice {Version} stopping after {Uptime} up: {Streams} streams, {Blocks} notify blocks",
            HostInfo.Version, state.Uptime.ToString(@"d\.hh\:mm\:ss"), streams.Running.Count, router.Stats().Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
