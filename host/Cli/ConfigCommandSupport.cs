using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Cli;

/// <summary>
/// What the one-shot commands (check, plugins, notify explain/bench) need: the plugins of the
/// configuration's plugins_dir loaded (they own directives and sink types) and a loader over them.
/// </summary>
internal sealed class OfflineHost : IAsyncDisposable
{
    private readonly ConfigurationAccessor _configuration = new();

    private OfflineHost(ConfigSource source, PluginManager plugins, EventRouter router, Microsoft.Extensions.DependencyInjection.ServiceProvider services)
    {
        Source = source;
        Plugins = plugins;
        Router = router;
        Services = services;
    }

    public ConfigSource Source { get; }
    public PluginManager Plugins { get; }
    public EventRouter Router { get; }
    public IServiceProvider Services { get; }

    public static async Task<OfflineHost> StartAsync(ConfigSource source, CancellationToken ct)
    {
        PluginManager? plugins = null;
        EventRouter? router = null;
        StreamRegistry? streams = null;
        var configuration = new ConfigurationAccessor();
        var services = HostServices.Build(NullLoggerFactory.Instance, () => router!, () => plugins!, configuration, () => streams!);
        var core = new ContributionSet();
        core.Add<IConfigSection>(new CoreConfigSection());
        core.Add<IConfigSection>(new NotifyConfigSection());
        core.Add<IConfigSection>(new StreamsConfigSection()); // so `sluice check` validates streams
        plugins = new PluginManager(new PluginHostOptions { PluginsDirectory = PluginsDirectory(source) },
            services, NullLoggerFactory.Instance, core: core);
        router = new EventRouter(new NotifyRouterSettings { ConfigDirectory = source.Directory }, plugins, NullLoggerFactory.Instance, services);
        streams = new StreamRegistry(router, plugins); // never applied offline: only there for plugins that ask for it
        await plugins.LoadAllAsync(ct);
        return new OfflineHost(source, plugins, router, services);
    }

    public ConfigLoadResult Load() =>
        new ConfigLoader(Plugins.All<IConfigSection>(), Services).LoadString(Source.ReadText(), Source.DisplayName, Source.Directory);

    private static string PluginsDirectory(ConfigSource source)
    {
        var tree = new ConfigDocumentReader(new DiagnosticBag()).ReadString(source.ReadText(), source.DisplayName, source.Directory);
        return tree.LastOrDefault(d => d.Name == "plugins_dir") is { Arguments.Count: > 0 } d
            ? Path.GetFullPath(d.Arguments[0].Value, source.Directory)
            : HostInfo.DefaultPluginsDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Plugins.DisposeAsync();
        await ((IAsyncDisposable)Services).DisposeAsync();
    }
}
