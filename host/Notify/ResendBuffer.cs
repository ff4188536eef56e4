using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// The most recent undelivered events of a block (<c>resend_notifications_limit</c>), oldest first.
/// Adding beyond the limit drops the oldest. Used only by the block's delivery loop.
/// </summary>
internal sealed class ResendBuffer(int limit)
{
    private readonly LinkedList<SluiceEvent> _events = new();
    private volatile int _count;

    public int Limit { get; set; } = limit;

    public int Count => _count;

    /// <summary>A racy look at the oldest event, for stats.</summary>
    public SluiceEvent? Oldest => _count > 0 ? _events.First?.Value : null;

    /// <summary>Appends events in order; returns how many old ones fell out.</summary>
    public int AddRange(IReadOnlyList<SluiceEvent> events)
    {
        foreach (var e in events) _events.AddLast(e);
        return Trim();
    }

    /// <summary>Applies a (possibly new) limit; returns how many old ones fell out.</summary>
    public int Trim()
    {
        var dropped = 0;
        while (_events.Count > Limit) { _events.RemoveFirst(); dropped++; }
        _count = _events.Count;
        return dropped;
    }

    /// <summary>The oldest <paramref name="max"/> events, left in the buffer until <see cref="RemoveFirst"/>.</summary>
    public SluiceEvent[] PeekBatch(int max)
    {
        var batch = new SluiceEvent[Math.Min(max, _events.Count)];
        var node = _events.First;
        for (var i = 0; i < batch.Length; i++, node = node!.Next) batch[i] = node!.Value;
        return batch;
    }

    public void RemoveFirst(int n)
    {
        for (var i = 0; i < n && _events.Count > 0; i++) _events.RemoveFirst();
        _count = _events.Count;
    }

    public SluiceEvent[] TakeAll()
    {
        var all = _events.ToArray();
        _events.Clear();
        _count = 0;
        return all;
    }
}
