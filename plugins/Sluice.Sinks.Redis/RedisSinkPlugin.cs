using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.Redis;

/// <summary>Registers the <c>redis://</c> notify sink.</summary>
public sealed class RedisSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new RedisSinkFactory());
}
