using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Host.Cluster;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Hosting;

/// <summary>
/// The services the host offers plugins (<see cref="IPluginBuilder.HostServices"/>) and config sections
/// (<see cref="ConfigBindContext.Services"/>). Built once; the objects behind it are the host's own.
/// </summary>
internal static class HostServices
{
    public static ServiceProvider Build(ILoggerFactory loggerFactory, Func<EventRouter> router,
        Func<PluginManager> plugins, IConfigurationAccessor configuration, Func<StreamRegistry> streams, CaptureGate gate) =>
        new ServiceCollection()
            .AddSingleton(loggerFactory)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddSingleton<IEventEmitter>(_ => router())
            .AddSingleton(_ => router())
            .AddSingleton<IPluginContributions>(_ => plugins())
            .AddSingleton(configuration)
            .AddSingleton<IStreamRegistry>(_ => streams())
            .AddSingleton<ISessionTracker>(_ => streams().Sessions)
            .AddSingleton<IVodLibrary>(_ => streams().Vod)
            .AddSingleton<IStreamLocator>(gate)
            .BuildServiceProvider();
}

/// <summary>The configuration in force, swapped whole on reload.</summary>
internal sealed class ConfigurationAccessor : IConfigurationAccessor
{
    private volatile SluiceConfiguration? _current;

    public SluiceConfiguration Current => _current ?? throw new InvalidOperationException("no configuration applied yet");

    public bool HasValue => _current is not null;

    public void Set(SluiceConfiguration configuration) => _current = configuration;
}
