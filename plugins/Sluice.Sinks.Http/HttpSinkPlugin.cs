using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.Http;

/// <summary>Registers the <c>http://</c> / <c>https://</c> notify sink.</summary>
public sealed class HttpSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new HttpSinkFactory());
}
