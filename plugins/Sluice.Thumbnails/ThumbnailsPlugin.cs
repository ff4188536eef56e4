using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.Thumbnails;

/// <summary>
/// Thumbnails: the <c>thumbnails</c> stream directive and <c>/NAME/preview.jpg</c>. Decoding uses Debian's
/// ffmpeg, at most half the cores' worth of decodes at once (at least one) for all streams.
/// </summary>
public sealed class ThumbnailsPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        var log = plugin.LoggerFactory.CreateLogger("Sluice.Thumbnails");
        var store = new ThumbnailStore();
        var decoder = new JpegDecoder(JpegDecoder.Locate(), Math.Max(1, Environment.ProcessorCount / 2), log);
        plugin.AddStreamFeature(new ThumbnailsFeatureFactory(store, decoder));
        plugin.AddRoutes(endpoints => PreviewRoute.Map(endpoints, store));
    }
}
