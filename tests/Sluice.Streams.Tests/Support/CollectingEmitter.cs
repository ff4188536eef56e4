using System.Collections.Concurrent;
using Sluice.Abstractions.Events;

namespace Sluice.Streams.Tests.Support;

internal sealed record Emitted(string Name, string? Media, IReadOnlyDictionary<string, string?> Fields)
{
    public string? this[string field] => Fields.GetValueOrDefault(field);

    public override string ToString() => $"{Name} {Media} {string.Join(" ", Fields.Select(f => f.Key + "=" + f.Value))}";
}

/// <summary>An <see cref="IEventEmitter"/> that records every event, in order.</summary>
internal sealed class CollectingEmitter : IEventEmitter
{
    private readonly ConcurrentQueue<Emitted> _events = new();

    public void Emit(in EventDraft draft)
    {
        var fields = new Dictionary<string, string?>();
        foreach (var f in draft.Fields) fields[f.Name] = f.Value.IsNull ? null : f.Value.ToString();
        _events.Enqueue(new Emitted(draft.Name, draft.Media, fields));
    }

    public void Emit(SluiceEvent evt) => _events.Enqueue(new Emitted(evt.Name, evt.Media, new Dictionary<string, string?>()));

    public IReadOnlyList<Emitted> All => _events.ToArray();

    public IReadOnlyList<Emitted> Of(string media) => _events.Where(e => e.Media == media).ToArray();

    public IReadOnlyList<string> Names(string media) => Of(media).Select(e => e.Name).ToArray();

    /// <summary>Waits until <paramref name="count"/> events named so exist for the media; returns the last of them.</summary>
    public async Task<Emitted> WaitFor(string name, string? media, int count = 1, int timeoutMs = 5000, Func<Emitted, bool>? where = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var hits = _events.Where(e => e.Name == name && (media is null || e.Media == media) && (where?.Invoke(e) ?? true)).ToArray();
            if (hits.Length >= count) return hits[count - 1];
            if (Environment.TickCount64 > deadline)
                Assert.Fail($"timed out waiting for {count}x {name} of {media}; got: {string.Join(" | ", _events.Where(e => media is null || e.Media == media))}");
            await Task.Delay(5);
        }
    }
}
