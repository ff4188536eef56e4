using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.Log;

/// <summary>Registers the <c>log://PATH</c> notify sink.</summary>
public sealed class LogSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new LogSinkFactory());
}
