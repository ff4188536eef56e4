using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Host.Notify;

/// <summary>The common fields a filter can name, resolved without a string lookup (cheapest to compare first).</summary>
internal enum FilterField : byte { Event, Media, Group, Level, Server, Id, UtcMs, Other }

/// <summary>
/// What a filter sees: a draft on the emitter's stack (level and group from the catalog when the
/// draft leaves them out) or a built event. The common fields are resolved once, when the view is
/// made, so each filter condition reads a string; reading it allocates nothing.
/// </summary>
internal readonly ref struct EventView
{
    private readonly ReadOnlySpan<EventField> _fields;
    private readonly SluiceEvent? _event;

    public EventView(in EventDraft draft, string server, EventDefinition? definition)
    {
        Name = draft.Name;
        Level = draft.Level ?? definition?.Level ?? EventLevel.Info;
        Group = draft.Group ?? definition?.Group;
        Media = draft.Media;
        Server = server;
        _fields = draft.Fields;
    }

    public EventView(SluiceEvent evt)
    {
        _event = evt;
        Name = evt.Name;
        Level = evt.Level;
        Group = evt.Group;
        Media = evt.Media;
        Server = evt.Server;
    }

    public bool IsDraft => _event is null;

    public string Name { get; }

    public EventLevel Level { get; }

    public string? Group { get; }

    public string? Media { get; }

    public string Server { get; }

    /// <summary>A string common field (<c>event</c>, <c>media</c>, <c>group</c>, <c>level</c>, <c>server</c>); null when absent.</summary>
    public string? Text(FilterField field) => field switch
    {
        FilterField.Event => Name,
        FilterField.Media => Media,
        FilterField.Group => Group,
        FilterField.Level => Level.ToName(),
        FilterField.Server => Server,
        _ => null,
    };

    /// <summary>The field's value; false when the event does not have it (or it is null).</summary>
    public bool TryGet(FilterField field, string name, out EventValue value)
    {
        if (field <= FilterField.Server)
        {
            var text = Text(field);
            value = text;
            return text is not null;
        }
        if (_event is not null) return _event.TryGet(name, out value);
        // A draft has no id or time yet; the router builds the event first for filters that name them.
        if (field != FilterField.Other) { value = default; return false; }
        foreach (ref readonly var f in _fields)
        {
            if (string.Equals(f.Name, name, StringComparison.Ordinal)) { value = f.Value; return !value.IsNull; }
        }
        value = default;
        return false;
    }
}
