using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.Fake;

/// <summary>Synthetic live streams for demos and tests: <c>fake://NAME</c>.</summary>
public sealed class FakeSourcesPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSourceType(new FakeSourceFactory());
}
