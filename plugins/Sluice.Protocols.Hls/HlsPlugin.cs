using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Http;

namespace Sluice.Protocols.Hls;

/// <summary>
/// HLS and MPEG-TS over HTTP on the host's listeners (Flussonic's URLs: <c>/NAME/index.m3u8</c>,
/// <c>/NAME/mono.m3u8</c>, <c>/NAME/mpegts</c>), MPEG-TS publishing by PUT/POST <c>/NAME/mpegts</c>, and
/// the same for files of <c>file PREFIX</c> blocks. Needs the host's <see cref="IStreamRegistry"/>;
/// uses, when offered, <see cref="ISessionTracker"/>, <see cref="IVodLibrary"/>, <see cref="IEventEmitter"/>,
/// <see cref="IAccessAuthorizer"/> (on_play / on_publish / password, once per session) and <see cref="IStreamLocator"/>
/// (viewers of a cluster stream captured on another server are redirected there).
/// </summary>
public sealed class HlsPlugin : ISluicePlugin
{
    private readonly HlsOptions _options;

    public HlsPlugin() : this(new HlsOptions())
    {
    }

    internal HlsPlugin(HlsOptions options) => _options = options;

    public void Configure(IPluginBuilder plugin)
    {
        var services = plugin.HostServices;
        var log = plugin.LoggerFactory.CreateLogger("Sluice.Protocols.Hls");
        if (services.GetService(typeof(IStreamRegistry)) is not IStreamRegistry registry)
        {
            log.LogWarning("this host offers no stream registry (IStreamRegistry): HLS and MPEG-TS routes are not mapped");
            return;
        }
        var delivery = new HlsDelivery(
            registry,
            services.GetService(typeof(ISessionTracker)) as ISessionTracker,
            services.GetService(typeof(IVodLibrary)) as IVodLibrary,
            services.GetService(typeof(IEventEmitter)) as IEventEmitter,
            services.GetService(typeof(IStreamLocator)) as IStreamLocator,
            _options,
            plugin.LoggerFactory,
            services.GetService(typeof(IAccessAuthorizer)) as IAccessAuthorizer);
        plugin.AddService(delivery);
        plugin.AddRoutes(endpoints => DeliveryRoutes.Map(endpoints, delivery));
    }
}
