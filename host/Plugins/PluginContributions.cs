namespace Sluice.Host.Plugins;

/// <summary>
/// The contributions registry: the core's own (config sections, built-in factories), listed first, then
/// those of every loaded plugin in load order. The <see cref="PluginManager"/> loads plugins into it and
/// publishes each new set whole; everything that binds or applies configuration reads it, so none of
/// them depends on the manager (and the manager on none of them).
/// </summary>
internal sealed class PluginContributions(ContributionSet? core = null) : IPluginContributions
{
    private volatile LoadedPlugin[] _plugins = [];

    /// <summary>The host's own contributions: filled while the host is composed, then only read.</summary>
    public ContributionSet Core { get; } = core ?? new ContributionSet();

    public IReadOnlyList<T> All<T>() where T : class
    {
        var result = new List<T>();
        Core.AppendTo(result);
        foreach (var plugin in _plugins) plugin.Contributions.AppendTo(result);
        return result;
    }

    /// <summary>The set without <paramref name="plugin"/> (what of the configuration needs it is what no longer binds).</summary>
    public IPluginContributions Without(LoadedPlugin plugin) => new ContributionsView(Core, _plugins.Where(p => p != plugin).ToArray());

    /// <summary>Called by the manager with the plugins that run now, in load order.</summary>
    internal void Publish(LoadedPlugin[] plugins) => _plugins = plugins;
}
