using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.Files;

/// <summary>Media files played as live streams: real-time pace, looped, timestamps always increasing.</summary>
public sealed class FileSourcesPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSourceType(new FileSourceFactory());
}
