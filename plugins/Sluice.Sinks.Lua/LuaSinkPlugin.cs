using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.Lua;

/// <summary>Registers the <c>PATH.lua</c> notify sink.</summary>
public sealed class LuaSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        plugin.AddSinkType(new LuaSinkFactory());
    }
}
