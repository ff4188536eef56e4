using System.Collections;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// A block's batch buffer, handed to its sink as the batch and reused for the next one once the sink
/// returned successfully (a sink that failed or timed out may still hold it, so it gets a fresh one).
/// </summary>
internal sealed class EventBatch(int capacity) : IReadOnlyList<SluiceEvent>
{
    private readonly SluiceEvent[] _items = new SluiceEvent[capacity];

    public int Count { get; private set; }

    /// <summary>How many more events fit.</summary>
    public int Room => _items.Length - Count;

    public SluiceEvent this[int index] =>
        (uint)index < (uint)Count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public bool TryAdd(SluiceEvent evt)
    {
        if (Count == _items.Length) return false;
        _items[Count++] = evt;
        return true;
    }

    /// <summary>Empties the batch and lets go of its events.</summary>
    public void Clear()
    {
        Array.Clear(_items, 0, Count);
        Count = 0;
    }

    public IEnumerator<SluiceEvent> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return _items[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
