using System.Collections.Frozen;
using Sluice.Host.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// The blocks each event name can reach, worked out once per configuration: a block whose every
/// <c>only</c> line names events (<c>only event=a,b ...</c>) can only want those names, so an event
/// no block names costs one dictionary lookup whatever the number of blocks. Candidates still run
/// their whole filter. The same lookup yields the event's catalog entry.
/// </summary>
internal sealed class RouteTable
{
    public static readonly RouteTable Empty = new([]);

    private readonly FrozenDictionary<string, Entry> _byName;
    private readonly Entry _other;

    /// <summary>An event name's catalog entry (null when unknown) and the blocks that may want it, in file order.</summary>
    public sealed record Entry(EventDefinition? Definition, EventRouter.Route[] Routes);

    public RouteTable(EventRouter.Route[] routes)
    {
        Routes = routes;
        var named = routes.Select(r => (Route: r, Names: r.Filter.EventNames())).ToArray();
        var names = EventCatalog.All.Select(d => d.Name)
            .Concat(named.Where(n => n.Names is not null).SelectMany(n => n.Names!))
            .ToHashSet(StringComparer.Ordinal);
        _byName = names.ToFrozenDictionary(n => n, n => new Entry(EventCatalog.Find(n),
            named.Where(x => x.Names is null || x.Names.Contains(n)).Select(x => x.Route).ToArray()), StringComparer.Ordinal);
        _other = new Entry(null, named.Where(x => x.Names is null).Select(x => x.Route).ToArray());
    }

    public EventRouter.Route[] Routes { get; }

    public Entry For(string name) => _byName.TryGetValue(name, out var e) ? e : _other;
}
