namespace Sluice.Host.Plugins;

/// <summary>
/// What the loaded plugins (and the core) contribute right now: config sections, sink types,
/// configuration listeners, routes, services... Changes when a plugin is added, swapped or removed;
/// consumers re-read it when the configuration is (re)applied.
/// </summary>
internal interface IPluginContributions
{
    /// <summary>Every contribution of that contract, core ones first, then plugins in load order.</summary>
    IReadOnlyList<T> All<T>() where T : class;
}

/// <summary>Contributions of a host with no plugin loaded (tools and tests that bind the core's sections alone).</summary>
internal sealed class NoContributions : IPluginContributions
{
    public static readonly NoContributions Instance = new();

    public IReadOnlyList<T> All<T>() where T : class => [];
}
