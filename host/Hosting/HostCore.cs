using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Cluster;
using Sluice.Host.Configuration;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Protocols;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>
/// The host's core parts and how they meet: the plugin manager (with the core's own sections and
/// listeners as its first contributions), the notify router, the stream registry and the services
/// plugins see. The running server and the one-shot CLI commands build it the same way.
/// </summary>
internal sealed class HostCore : IAsyncDisposable
{
    private HostCore(ConfigSource source, ILoggerFactory loggerFactory, Func<PluginSetChange, CancellationToken, Task>? onPluginsChanged)
    {
        Source = source;
        Services = HostServices.Build(loggerFactory, () => Router!, () => Plugins!, Configuration, () => Streams!, Gate);

        var core = new ContributionSet();
        Plugins = new PluginManager(new PluginHostOptions { PluginsDirectory = PluginsDirectoryOf(source) },
            Services, loggerFactory, onPluginsChanged, core, UsersOf);
        core.Add<IConfigSection>(new CoreConfigSection());
        core.Add<IConfigSection>(new NotifyConfigSection());
        core.Add<IConfigSection>(new StreamsConfigSection(Plugins));
        core.Add<IConfigSection>(new ProtocolListenersSection(Plugins));
        core.Add<IConfigSection>(new ClusterConfigSection(Plugins));
        Router = new EventRouter(new NotifyRouterSettings { ConfigDirectory = source.Directory }, Plugins, loggerFactory, Services);
        Streams = new StreamRegistry(Router, Plugins, loggerFactory,
            new StreamRegistrySettings { ConfigDirectory = source.Directory, Services = Services, Time = TimeProvider.System }, Gate);
        Cluster = new ClusterCoordinator(Plugins, Router, Gate, Streams, Services, loggerFactory);
        Listeners = new ProtocolListeners(Plugins, Router, Services, loggerFactory);
        // Order matters: notify blocks exist before streams start emitting, streams before publishers connect.
        core.Add<IConfigurationListener>(Router);
        core.Add<IConfigurationListener>(Cluster); // decides what cluster streams may capture before the registry starts any
        core.Add<IConfigurationListener>(Streams);
        core.Add<IConfigurationListener>(Listeners);
    }

    public ConfigSource Source { get; }

    public ConfigurationAccessor Configuration { get; } = new();

    public ServiceProvider Services { get; }

    public PluginManager Plugins { get; }

    public EventRouter Router { get; }

    public StreamRegistry Streams { get; }

    /// <summary>What the registry asks before capturing a cluster_ingest stream; the host's stream locator.</summary>
    public CaptureGate Gate { get; } = new();

    public ClusterCoordinator Cluster { get; }

    public ProtocolListeners Listeners { get; }

    /// <param name="onPluginsChanged">Called for each plugin change after the first load (the running server re-applies).</param>
    public static HostCore Create(ConfigSource source, ILoggerFactory loggerFactory,
        Func<PluginSetChange, CancellationToken, Task>? onPluginsChanged = null) =>
        new(source, loggerFactory, onPluginsChanged);

    /// <summary>Parses, validates and binds <paramref name="text"/> with every section loaded now.</summary>
    public ConfigLoadResult Load(string text) =>
        new ConfigLoader(Plugins.All<IConfigSection>(), Services).LoadString(text, Source.DisplayName, Source.Directory);

    /// <summary>What of the configuration in force (none yet: nothing) could not do with only <paramref name="remaining"/>.</summary>
    private IReadOnlyList<string> UsersOf(IPluginContributions remaining) =>
        Configuration.HasValue ? PluginUsage.UsersOf(Configuration.Current, remaining, Services) : [];

    /// <summary><c>plugins_dir</c> as written (read before plugins load: they bring the other sections).</summary>
    private static string PluginsDirectoryOf(ConfigSource source)
    {
        try
        {
            var tree = new ConfigDocumentReader(new DiagnosticBag()).ReadString(source.ReadText(), source.DisplayName, source.Directory);
            if (tree.LastOrDefault(d => d.Name == "plugins_dir") is { Arguments.Count: > 0 } d)
                return Path.GetFullPath(d.Arguments[0].Value, source.Directory);
        }
        catch (IOException)
        {
            // Reported when the configuration itself is loaded.
        }
        return HostInfo.DefaultPluginsDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        await Listeners.DisposeAsync(); // no new publishers or players
        await Cluster.DisposeAsync(); // cluster streams stop and the strategy (plugin code) lets go of its peers and leases
        await Streams.DisposeAsync(); // sources are plugin code: stop them before plugins unload
        await Plugins.DisposeAsync();
        await Router.DisposeAsync();
        await Services.DisposeAsync();
    }
}
