using Sluice.Abstractions.Plugins;

namespace Sluice.TestPlugins.Throwing;

/// <summary>Throws in Configure, or in its constructor when its folder holds a file named <c>throw-in-constructor</c>.</summary>
public sealed class ThrowingPlugin : ISluicePlugin
{
    public ThrowingPlugin()
    {
        var folder = Path.GetDirectoryName(typeof(ThrowingPlugin).Assembly.Location)!;
        if (File.Exists(Path.Combine(folder, "throw-in-constructor")))
            throw new InvalidOperationException("constructor failed on purpose");
    }

    public void Configure(IPluginBuilder plugin) =>
        throw new InvalidOperationException("Configure failed on purpose");
}
