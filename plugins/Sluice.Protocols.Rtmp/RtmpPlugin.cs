using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Rtmp.Pull;
using Sluice.Protocols.Rtmp.Push;
using Sluice.Protocols.Rtmp.Server;

namespace Sluice.Protocols.Rtmp;

/// <summary>
/// RTMP in managed code: <c>rtmp</c>/<c>rtmps</c> listeners for publishers and players, <c>push rtmp://...</c>
/// in streams, and <c>rtmp://</c>/<c>rtmps://</c> inputs. Needs the host's stream registry; uses its session
/// tracker, authorizer and event emitter. See docs/rtmp.md.
/// </summary>
public sealed class RtmpPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        if (plugin.HostServices.GetService(typeof(IStreamRegistry)) is null)
        {
            plugin.LoggerFactory.CreateLogger("Sluice.Protocols.Rtmp")
                .LogWarning("this host offers no stream registry (IStreamRegistry): RTMP listeners, push and pull are not available");
            return;
        }
        var host = RtmpHost.From(plugin.HostServices, plugin.Time, plugin.LoggerFactory);
        plugin.AddProtocol(new RtmpProtocolFactory(host));
        plugin.AddStreamFeature(new RtmpPushFactory(host));
        plugin.AddSourceType(new RtmpSourceFactory(host));
    }
}
