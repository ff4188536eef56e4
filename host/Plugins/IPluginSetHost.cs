namespace Sluice.Host.Plugins;

/// <summary>
/// What the host does around a change of the plugin set: the configuration coordinator. The manager
/// calls it; it never calls the manager (the manager listens to <see cref="ConfigurationApplied"/>).
/// </summary>
internal interface IPluginSetHost
{
    /// <summary>
    /// Called for every change after the first load, with <see cref="IPluginContributions.All{T}"/> already
    /// answering with the new set: re-apply the configuration in force, switch runtime objects over and
    /// drain the old ones. Throwing rolls an addition or replacement back. Runs under the manager's lock.
    /// </summary>
    Task ApplyAsync(PluginSetChange change, CancellationToken cancellationToken);

    /// <summary>
    /// What of the configuration in force could not do with only <paramref name="remaining"/> (the loaded set
    /// without one plugin), named as the operator wrote it: <c>notify pager at sluice.conf:12</c>. Empty when
    /// nothing needs the plugin (or no configuration is in force).
    /// </summary>
    IReadOnlyList<string> UsersOf(IPluginContributions remaining);

    /// <summary>Raised after every configuration that fully applied: plugins waiting to be removed are checked again.</summary>
    event Action? ConfigurationApplied;
}

/// <summary>An <see cref="IPluginSetHost"/> from two functions (tests and tools that drive a manager by hand).</summary>
internal sealed class DelegatePluginSetHost(
    Func<PluginSetChange, CancellationToken, Task>? apply, Func<IPluginContributions, IReadOnlyList<string>>? users) : IPluginSetHost
{
    public Task ApplyAsync(PluginSetChange change, CancellationToken cancellationToken) =>
        apply is null ? Task.CompletedTask : apply(change, cancellationToken);

    public IReadOnlyList<string> UsersOf(IPluginContributions remaining) => users is null ? [] : users(remaining);

    public event Action? ConfigurationApplied { add { } remove { } }
}

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
