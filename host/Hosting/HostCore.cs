using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Host.Configuration;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>
/// The core composed on a container of its own (<see cref="SluiceCoreServices.AddSluiceCore"/>, the same
/// registrations the running server adds to its web host), for the one-shot CLI commands and tests: nothing
/// starts by itself; they load plugins, load a configuration and, for some, apply part of it.
/// </summary>
internal sealed class HostCore : IAsyncDisposable
{
    private HostCore(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public ConfigSource Source => Services.GetRequiredService<ConfigSource>();

    public ConfigurationAccessor Configuration => Services.GetRequiredService<ConfigurationAccessor>();

    public PluginManager Plugins => Services.GetRequiredService<PluginManager>();

    public EventRouter Router => Services.GetRequiredService<EventRouter>();

    public StreamRegistry Streams => Services.GetRequiredService<StreamRegistry>();

    public ConfigurationCoordinator Coordinator => Services.GetRequiredService<ConfigurationCoordinator>();

    public static HostCore Create(ConfigSource source, ILoggerFactory loggerFactory, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection().AddSingleton(loggerFactory);
        configure?.Invoke(services);
        services.AddSluiceCore(new SluiceCoreOptions { Source = source });
        return new HostCore(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    /// <summary>Parses, validates and binds <paramref name="text"/> with every section loaded now.</summary>
    public ConfigLoadResult Load(string text) => Coordinator.Load(text);

    /// <summary>The container disposes what it made in reverse order of creation; streams and listeners go before plugins.</summary>
    public async ValueTask DisposeAsync()
    {
        await Services.GetRequiredService<Protocols.ProtocolListeners>().DisposeAsync();
        await Streams.DisposeAsync();
        await Plugins.DisposeAsync();
        await Router.DisposeAsync();
        await Services.DisposeAsync();
    }
}
