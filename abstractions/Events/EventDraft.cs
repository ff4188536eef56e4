namespace Sluice.Abstractions.Events;

/// <summary>
/// An event about to be emitted, on the emitter's stack. The router filters it as is and turns it
/// into a <see cref="SluiceEvent"/> only when some notify block wants it, so a miss allocates nothing.
/// </summary>
/// <example><code>emitter.Emit(new EventDraft("stream_started") { Media = name, Fields = [new("ip", ip)] });</code></example>
public readonly ref struct EventDraft
{
    public EventDraft(string name) => Name = name;

    /// <summary>The event name, e.g. <c>stream_started</c>.</summary>
    public string Name { get; }

    /// <summary>Null: the level the event catalog gives the name (info when unknown).</summary>
    public EventLevel? Level { get; init; }

    /// <summary>The stream the event belongs to, if any.</summary>
    public string? Media { get; init; }

    /// <summary>Null: the group the event catalog gives the name, if any.</summary>
    public string? Group { get; init; }

    /// <summary>Every other field (<c>ip</c>, <c>bytes</c>, <c>total</c>, ...).</summary>
    public ReadOnlySpan<EventField> Fields { get; init; }
}

/// <summary>Emits events into the host's router. Never blocks on a sink.</summary>
public interface IEventEmitter
{
    void Emit(in EventDraft draft);

    /// <summary>Routes an event that already exists (e.g. injected over the API) as is.</summary>
    void Emit(SluiceEvent evt);
}
