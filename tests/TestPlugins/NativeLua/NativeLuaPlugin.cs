using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Plugins;

namespace Sluice.TestPlugins.NativeLua;

/// <summary>Contributes a function that runs Lua through the native liblua54 the plugin carries.</summary>
public sealed class NativeLuaPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin)
    {
        // Touches NLua right away, so a plugin folder missing it fails at load, not at first use.
        var nlua = typeof(NLua.Lua).Assembly.GetName();
        plugin.LoggerFactory.CreateLogger("NativeLua").LogInformation("using {Name} {Version}", nlua.Name, nlua.Version);
        plugin.Add<Func<string, string>>(Run);
    }

    private static string Run(string script)
    {
        using var lua = new NLua.Lua();
        return Convert.ToString(lua.DoString(script)[0], System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
