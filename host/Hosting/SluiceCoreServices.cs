using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Host.Access;
using Sluice.Abstractions.Cluster;
using Sluice.Host.Api;
using Sluice.Host.Cluster;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Logging;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Protocols;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>What differs between compositions of the core: the running server, the one-shot CLI commands, tests.</summary>
internal sealed record SluiceCoreOptions
{
    public required ConfigSource Source { get; init; }

    /// <summary>plugins_dir; null: as the configuration writes it, else <c>plugins/</c> beside the executable.</summary>
    public string? PluginsDirectory { get; init; }

    public StreamRegistrySettings Streams { get; init; } = new();

    public NotifyRouterSettings Notify { get; init; } = new();

    public SystemMonitorSettings Monitor { get; init; } = new();

    /// <summary>
    /// The running server's log: when set, the server stage applies <c>loglevel</c>, <c>logfile</c>, access and
    /// <c>http</c> listeners, and the hosted services start plugins, the watcher and the monitor (<c>sluice run</c>).
    /// </summary>
    public SluiceLogging? Logging { get; init; }
}

/// <summary>
/// The one composition of the host's core: the contributions registry (the core's sections, then every
/// plugin's), the plugin manager that loads into it, the notify router, the stream registry, the protocol
/// listeners, the configuration coordinator and its stages, the services plugins see, and hosted services
/// that start and stop them in order. <c>sluice run</c> adds it to the web host's container; the CLI
/// commands and tests build a container of their own from it (<see cref="HostCore"/>).
/// </summary>
internal static class SluiceCoreServices
{
    public static IServiceCollection AddSluiceCore(this IServiceCollection services, SluiceCoreOptions options)
    {
        var source = options.Source;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(source);

        services.AddSingleton<ConfigurationAccessor>();
        services.AddSingleton<IConfigurationAccessor>(sp => sp.GetRequiredService<ConfigurationAccessor>());
        // Play and publish authorization (password, on_play, on_publish, auth_token), offered to every protocol.
        services.AddSingleton(sp => new AccessAuthorizer(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAccessAuthorizer>(sp => sp.GetRequiredService<AccessAuthorizer>());
        services.AddSingleton(sp => CoreContributions(sp.GetRequiredService<AccessAuthorizer>()));
        services.AddSingleton<IPluginContributions>(sp => sp.GetRequiredService<PluginContributions>());
        // Its own singleton so that the server stage can read the folder without resolving the manager (the
        // manager needs the coordinator, which needs the stages: resolving it from a stage would be a cycle).
        services.AddSingleton(_ => new PluginHostOptions { PluginsDirectory = options.PluginsDirectory ?? PluginsDirectoryOf(source) });
        services.AddSingleton(sp => new PluginManager(
            sp.GetRequiredService<PluginHostOptions>(),
            sp, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ConfigurationCoordinator>(),
            sp.GetRequiredService<PluginContributions>()));

        services.AddSingleton(sp => new EventRouter(options.Notify with { ConfigDirectory = source.Directory, Time = sp.GetRequiredService<TimeProvider>() },
            sp.GetRequiredService<IPluginContributions>(), sp.GetRequiredService<ILoggerFactory>(), sp));
        services.AddSingleton<IEventEmitter>(sp => sp.GetRequiredService<EventRouter>());
        // What the registry asks before capturing a cluster_ingest stream; the host's stream locator (viewer redirects).
        services.AddSingleton<CaptureGate>();
        services.AddSingleton<IStreamLocator>(sp => sp.GetRequiredService<CaptureGate>());
        services.AddSingleton(sp => new StreamRegistry(sp.GetRequiredService<IEventEmitter>(), sp.GetRequiredService<IPluginContributions>(),
            sp.GetRequiredService<ILoggerFactory>(),
            options.Streams with { ConfigDirectory = source.Directory, Services = sp, Time = sp.GetRequiredService<TimeProvider>() },
            sp.GetRequiredService<CaptureGate>()));
        services.AddSingleton(sp => new ClusterCoordinator(sp.GetRequiredService<IPluginContributions>(), sp.GetRequiredService<IEventEmitter>(),
            sp.GetRequiredService<CaptureGate>(), sp.GetRequiredService<StreamRegistry>(), sp, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IStreamRegistry>(sp => sp.GetRequiredService<StreamRegistry>());
        services.AddSingleton<ISessionTracker>(sp => sp.GetRequiredService<StreamRegistry>().Sessions);
        services.AddSingleton<IVodLibrary>(sp => sp.GetRequiredService<StreamRegistry>().Vod);
        services.AddSingleton(sp => new ProtocolListeners(sp.GetRequiredService<IPluginContributions>(), sp.GetRequiredService<IEventEmitter>(),
            sp, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new SystemMonitor(sp.GetRequiredService<IEventEmitter>(), options.Monitor, sp.GetRequiredService<TimeProvider>()));

        // The stages in the order they prepare and commit: the server's options, then notify blocks (they exist before
        // streams emit), the cluster (what this server may capture), streams (before publishers connect), protocol listeners.
        if (options.Logging is { } logging)
        {
            services.AddSingleton(logging);
            services.AddSingleton<ListenerConfiguration>();
            services.AddSingleton(sp => new ServerState(sp.GetRequiredService<TimeProvider>()));
            // The https listeners' certificate (the server stage applies it); the operator surface (metrics, OpenAPI,
            // event tail, plugin history, config check) reads the core and is resolved by the web host only.
            services.AddSingleton<HttpsCertificate>();
            services.AddSingleton<OperatorSurface>();
            services.AddSingleton<IConfigurationStage, ServerStage>();
        }
        services.AddSingleton<IConfigurationStage>(sp => new NotifyStage(sp.GetRequiredService<EventRouter>()));
        services.AddSingleton<IConfigurationStage>(sp => new ClusterStage(sp.GetRequiredService<ClusterCoordinator>())); // decides before streams start
        services.AddSingleton<IConfigurationStage>(sp => sp.GetRequiredService<StreamRegistry>());
        services.AddSingleton<IConfigurationStage>(sp => sp.GetRequiredService<ProtocolListeners>());
        services.AddSingleton<ConfigurationCoordinator>();
        services.AddSingleton<IConfigurationReloader>(sp => sp.GetRequiredService<ConfigurationCoordinator>());

        if (options.Logging is not null)
        {
            // Started in this order, stopped in the reverse: the monitor and listeners first, then streams (their
            // sources are plugin code), then plugins, and the router last (it drains what all of them emitted).
            services.AddHostedService<EventRouterService>();
            services.AddHostedService<PluginHostService>();
            services.AddHostedService<ConfigurationService>();
            services.AddHostedService<StreamRegistryService>();
            services.AddHostedService<ClusterService>(); // stops before the streams: cluster streams stop, leases are revoked
            services.AddHostedService<ProtocolListenersService>();
            services.AddHostedService(sp => sp.GetRequiredService<SystemMonitor>());
            services.AddHostedService<ServerStartedService>();
        }
        return services;
    }

    /// <summary>
    /// The core's own contributions, listed before every plugin's: its config sections, and the access directives
    /// (global on_play/on_publish/auth_token; password/on_play/on_publish of blocks as stream features) with the
    /// authorizer that reads them.
    /// </summary>
    private static PluginContributions CoreContributions(AccessAuthorizer access)
    {
        var contributions = new PluginContributions();
        contributions.Core.Add<IConfigSection>(new CoreConfigSection());
        contributions.Core.Add<IConfigSection>(new NotifyConfigSection());
        contributions.Core.Add<IConfigSection>(new StreamsConfigSection(contributions));
        contributions.Core.Add<IConfigSection>(new ProtocolListenersSection(contributions));
        contributions.Core.Add<IConfigSection>(new AccessConfigSection());
        contributions.Core.Add<IStreamFeatureFactory>(new AccessFeatureFactory(access.Rules));
        contributions.Core.Add<IConfigurationListener>(access);
        contributions.Core.Add<IConfigSection>(new ClusterConfigSection(contributions));
        return contributions;
    }

    /// <summary><c>plugins_dir</c> as written (read before plugins load: they bring the other sections).</summary>
    private static string PluginsDirectoryOf(ConfigSource source)
    {
        try
        {
            var tree = new ConfigDocumentReader(new DiagnosticBag()).ReadString(source.ReadText(), source.DisplayName, source.Directory);
            if (tree.LastOrDefault(d => d.Name == "plugins_dir") is { Arguments.Count: > 0 } d)
                return Path.GetFullPath(d.Arguments[0].Value, source.Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reported when the configuration itself is loaded.
        }
        return HostInfo.DefaultPluginsDirectory;
    }
}
