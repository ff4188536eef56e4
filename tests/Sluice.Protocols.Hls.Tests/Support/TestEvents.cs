using System.Collections.Concurrent;
using Sluice.Abstractions.Events;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>Collects emitted events (name, media and fields as text).</summary>
internal sealed class TestEvents : IEventEmitter
{
    public sealed record Emitted(string Name, string? Media, IReadOnlyDictionary<string, string> Fields);

    public ConcurrentQueue<Emitted> All { get; } = new();

    public void Emit(in EventDraft draft)
    {
        var fields = new Dictionary<string, string>();
        Span<char> text = stackalloc char[512];
        foreach (var field in draft.Fields)
        {
            fields[field.Name] = field.Value.TryFormat(text, out var n) ? new string(text[..n]) : "";
        }
        All.Enqueue(new Emitted(draft.Name, draft.Media, fields));
    }

    public void Emit(SluiceEvent evt) => All.Enqueue(new Emitted(evt.Name, evt.Media, new Dictionary<string, string>()));
}
