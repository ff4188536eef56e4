using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.MpegTs;

/// <summary>MPEG-TS inputs read in managed code: over HTTP (<c>tshttp://</c>, <c>http://...ts</c>) and over UDP.</summary>
public sealed class MpegTsSourcesPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        plugin.AddSourceType(new TsHttpSourceFactory());
        plugin.AddSourceType(new UdpSourceFactory());
    }
}
