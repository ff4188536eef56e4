using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.Nats;

/// <summary>Registers the <c>nats://</c> notify sink.</summary>
public sealed class NatsSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new NatsSinkFactory());
}
