using Sluice.Abstractions.Plugins;

namespace Sluice.TestPlugins.Throwing;

public sealed class ThrowingPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) =>
        throw new InvalidOperationException("Configure failed on purpose");
}
