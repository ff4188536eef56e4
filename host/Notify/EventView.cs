using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Host.Notify;

/// <summary>The common fields a filter can name, resolved without a string lookup.</summary>
internal enum FilterField : byte { Event, Media, Group, Level, Server, Id, UtcMs, Other }

/// <summary>
/// What a filter sees: a draft on the emitter's stack (level and group from the catalog when the
/// draft leaves them out) or a built event. Reading it allocates nothing.
/// </summary>
internal readonly ref struct EventView
{
    private readonly EventDraft _draft;
    private readonly SluiceEvent? _event;
    private readonly string _server;
    private readonly EventDefinition? _definition;

    public EventView(in EventDraft draft, string server, EventDefinition? definition)
    {
        _draft = draft;
        _server = server;
        _definition = definition;
    }

    public EventView(SluiceEvent evt)
    {
        _event = evt;
        _server = evt.Server;
    }

    public bool IsDraft => _event is null;

    public string Name => _event?.Name ?? _draft.Name;

    public EventLevel Level => _event?.Level ?? _draft.Level ?? _definition?.Level ?? EventLevel.Info;

    public string? Group => _event is null ? _draft.Group ?? _definition?.Group : _event.Group;

    public string? Media => _event is null ? _draft.Media : _event.Media;

    /// <summary>The field's value; false when the event does not have it (or it is null).</summary>
    public bool TryGet(FilterField field, string name, out EventValue value)
    {
        switch (field)
        {
            case FilterField.Event: value = Name; return true;
            case FilterField.Media: return Present(Media, out value);
            case FilterField.Group: return Present(Group, out value);
            case FilterField.Level: value = Level.ToName(); return true;
            case FilterField.Server: value = _server; return true;
        }
        if (_event is not null) return _event.TryGet(name, out value);
        // A draft has no id or time yet; the router builds the event first for filters that name them.
        if (field != FilterField.Other) { value = default; return false; }
        foreach (ref readonly var f in _draft.Fields)
        {
            if (string.Equals(f.Name, name, StringComparison.Ordinal)) { value = f.Value; return !value.IsNull; }
        }
        value = default;
        return false;
    }

    private static bool Present(string? text, out EventValue value)
    {
        value = text;
        return text is not null;
    }
}
