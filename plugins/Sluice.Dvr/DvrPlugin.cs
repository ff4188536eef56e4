using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Playback;

namespace Sluice.Dvr;

/// <summary>
/// The DVR (docs/dvr.md): <c>dvr PATH DEPTH [SIZE];</c> in <c>stream</c>, <c>ondemand</c> and <c>live</c>
/// blocks records each stream to MPEG-TS fragments under <c>PATH/NAME/YYYY/MM/DD/HH/</c>, keeps them by
/// depth and size, and plays them back in Flussonic's layout on the host's HTTP listeners. Uses the host's
/// <see cref="IEventEmitter"/>, <see cref="ISessionTracker"/> and <see cref="IAccessAuthorizer"/> when offered.
/// </summary>
public sealed class DvrPlugin : ISluicePlugin
{
    private readonly DvrSettings _settings;

    public DvrPlugin() : this(new DvrSettings())
    {
    }

    internal DvrPlugin(DvrSettings settings) => _settings = settings;

    public void Configure(IPluginBuilder plugin)
    {
        var services = plugin.HostServices;
        var log = plugin.LoggerFactory.CreateLogger("Sluice.Dvr");
        var runtime = new DvrRuntime(_settings, new DvrEvents(services.GetService(typeof(IEventEmitter)) as IEventEmitter), plugin.LoggerFactory, plugin.Time);
        var gate = new PlaybackGate(services.GetService(typeof(ISessionTracker)) as ISessionTracker,
            () => services.GetService(typeof(IAccessAuthorizer)) as IAccessAuthorizer, _settings, plugin.Time, log);
        var http = new DvrHttp(runtime, gate, log);
        plugin.AddStreamFeature(new DvrFeatureFactory(runtime));
        plugin.AddService(new DvrService(runtime, gate, log));
        plugin.AddRoutes(endpoints => DvrRoutes.Map(endpoints, http));
    }
}
