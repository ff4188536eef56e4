namespace Sluice.PluginTemplate.Plugin;

/// <summary>
/// What <c>templateplugin_greeting TEXT [every=DURATION];</c> says, as read by
/// <see cref="TemplatePluginConfigSection"/>. Components read it with <c>configuration.Get&lt;TemplatePluginOptions&gt;()</c>.
/// </summary>
/// <param name="Greeting">The text to log.</param>
/// <param name="Every">How often to repeat it; null: once, when the service starts.</param>
internal sealed record TemplatePluginOptions(string Greeting, TimeSpan? Every)
{
    /// <summary>What applies when the directive is not written.</summary>
    public static TemplatePluginOptions Default { get; } = new("Hello from Sluice.PluginTemplate.Plugin", null);
}
