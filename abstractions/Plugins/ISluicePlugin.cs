namespace Sluice.Abstractions.Plugins;

/// <summary>
/// The entry point of a plugin: a public class with a parameterless constructor in the plugin's
/// entry assembly. The host calls <see cref="Configure"/> once per load; everything the plugin
/// contributes goes through the builder, so the host can take it all back when the plugin is
/// swapped or removed.
/// </summary>
public interface ISluicePlugin
{
    void Configure(IPluginBuilder plugin);
}
