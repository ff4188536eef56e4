using System.Collections.Concurrent;
using Sluice.Abstractions.Events;

namespace Sluice.Testing;

/// <summary>An event as a plugin emitted it: its name, media and fields as text (null for a null field).</summary>
public sealed record EmittedEvent(string Name, string? Media, IReadOnlyDictionary<string, string?> Fields)
{
    /// <summary>The field's text, or null when absent or null.</summary>
    public string? this[string field] => Fields.GetValueOrDefault(field);

    public override string ToString() => $"{Name} {Media} {string.Join(" ", Fields.Select(f => f.Key + "=" + f.Value))}";
}

/// <summary>
/// An <see cref="IEventEmitter"/> that records every event, in order: hand it to a plugin as the host's
/// emitter (<c>builder.Services.Add&lt;IEventEmitter&gt;(emitter)</c>) and check what it emitted.
/// </summary>
public sealed class CollectingEmitter : IEventEmitter
{
    private readonly ConcurrentQueue<EmittedEvent> _events = new();

    public void Emit(in EventDraft draft)
    {
        var fields = new Dictionary<string, string?>();
        foreach (var f in draft.Fields) Add(draft.Name, fields, f);
        _events.Enqueue(new EmittedEvent(draft.Name, draft.Media, fields));
    }

    public void Emit(SluiceEvent evt)
    {
        var fields = new Dictionary<string, string?>();
        foreach (var f in evt.Fields) Add(evt.Name, fields, f);
        _events.Enqueue(new EmittedEvent(evt.Name, evt.Media, fields));
    }

    /// <summary>The fields every event has already (<see cref="SluiceEvent.AllFields"/>): an event's own field by one of these names would repeat a key.</summary>
    private static readonly HashSet<string> CommonFields = ["event", "id", "utc_ms", "server", "level", "group", "media"];

    /// <summary>
    /// Every emitted event must have unique keys (a receiver's JSON parser keeps one of two at random): a field named
    /// like a common one, or given twice, fails the emitting code at once.
    /// </summary>
    private static void Add(string name, Dictionary<string, string?> fields, in EventField f)
    {
        if (CommonFields.Contains(f.Name))
            throw new InvalidOperationException($"event {name}: field '{f.Name}' repeats a common field of every event (event, id, utc_ms, server, level, group, media); name it for what it is (e.g. session_id)");
        if (!fields.TryAdd(f.Name, f.Value.IsNull ? null : f.Value.ToString()))
            throw new InvalidOperationException($"event {name}: field '{f.Name}' is given twice");
    }

    /// <summary>Every event so far, in order.</summary>
    public IReadOnlyList<EmittedEvent> All => _events.ToArray();

    /// <summary>The events of one stream (or other media).</summary>
    public IReadOnlyList<EmittedEvent> Of(string media) => _events.Where(e => e.Media == media).ToArray();

    /// <summary>The names of one media's events, in order.</summary>
    public IReadOnlyList<string> Names(string media) => Of(media).Select(e => e.Name).ToArray();

    /// <summary>
    /// Waits until <paramref name="count"/> events named <paramref name="name"/> (of <paramref name="media"/>,
    /// any when null, matching <paramref name="where"/>) were emitted, and returns the last of them; throws a
    /// <see cref="TimeoutException"/> listing what was emitted after <paramref name="timeoutMs"/>.
    /// </summary>
    public async Task<EmittedEvent> WaitFor(string name, string? media, int count = 1, int timeoutMs = 5000, Func<EmittedEvent, bool>? where = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var hits = _events.Where(e => e.Name == name && (media is null || e.Media == media) && (where?.Invoke(e) ?? true)).ToArray();
            if (hits.Length >= count) return hits[count - 1];
            if (Environment.TickCount64 > deadline)
                throw new TimeoutException($"waiting for {count}x {name} of {media}; got: {string.Join(" | ", _events.Where(e => media is null || e.Media == media))}");
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
