using Sluice.Abstractions.Plugins;

namespace Sluice.Sinks.Email;

/// <summary>Registers the <c>smtp://</c> / <c>smtps://</c> notify sink.</summary>
public sealed class EmailSinkPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSinkType(new EmailSinkFactory());
}
