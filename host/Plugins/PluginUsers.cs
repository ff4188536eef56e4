namespace Sluice.Host.Plugins;

/// <summary>
/// What of the configuration in force could not do with only <paramref name="remaining"/> (the loaded
/// set without one plugin), named as the operator wrote it: <c>notify pager at sluice.conf:12</c>.
/// Empty when nothing needs the plugin. Supplied by the host, which knows the configuration.
/// </summary>
internal delegate IReadOnlyList<string> PluginUsers(IPluginContributions remaining);

/// <summary>A snapshot of contributions: the core's, then those of the listed plugins in load order.</summary>
internal sealed class ContributionsView(ContributionSet core, IReadOnlyList<LoadedPlugin> plugins) : IPluginContributions
{
    public IReadOnlyList<T> All<T>() where T : class
    {
        var result = new List<T>();
        core.AppendTo(result);
        foreach (var plugin in plugins) plugin.Contributions.AppendTo(result);
        return result;
    }
}
