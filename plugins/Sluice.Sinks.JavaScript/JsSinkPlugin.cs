using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.JavaScript;

/// <summary>Registers the <c>PATH.js</c> / <c>PATH.mjs</c> notify sink.</summary>
public sealed class JsSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new JsSinkFactory());
}
