using Sluice.Abstractions.Configuration;
using Sluice.Host.Plugins;

namespace Sluice.Host.Configuration;

/// <summary>
/// A core section whose directives come from what plugins contribute (stream features, protocol
/// listeners). The loader binds it to the contributions its services offer, so a configuration bound
/// again without a plugin (to find what uses it) sees the set without that plugin.
/// </summary>
internal interface IContributionsSection : IConfigSection
{
    IConfigSection For(IPluginContributions contributions);
}
