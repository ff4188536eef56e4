using Sluice.Abstractions.Plugins;
using Sluice.Media.Streams;

namespace Sluice.Sources.Fake;

/// <summary>Synthetic live streams for demos and tests: <c>fake://NAME</c>.</summary>
public sealed class FakeSourcesPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.Add<IMediaSourceFactory>(new FakeSourceFactory());
}
