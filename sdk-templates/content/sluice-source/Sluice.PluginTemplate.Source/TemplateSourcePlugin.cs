using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source;

/// <summary>
/// The plugin's entry point: the host finds this class in the entry assembly named by plugin.json,
/// creates it and lets it register what it contributes. Everything goes through the builder, so the
/// host can take it back when the plugin is swapped or removed.
/// </summary>
public sealed class TemplateSourcePlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSourceType(new TemplateSourceSourceFactory());
}
