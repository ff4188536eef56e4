using Sluice.Abstractions.Events;
using Sluice.Host.Notify;

namespace Sluice.Host.Api.Events;

/// <summary>
/// The last <see cref="Capacity"/> events of any kind, kept by a tap on the router so that the event tail
/// (and the dashboard's stream page) can start with what just happened. A fixed ring: memory stays bounded.
/// Keeping it means every event is built even when no notify block wants it (events are state changes, not
/// frames: a few per second on a busy server).
/// </summary>
internal sealed class RecentEvents : IDisposable
{
    public const int Capacity = 1000;

    private readonly SluiceEvent?[] _ring = new SluiceEvent?[Capacity];
    private readonly object _gate = new();
    private readonly IDisposable _tap;
    private long _next;

    public RecentEvents(EventRouter router) => _tap = router.Subscribe(CompiledFilter.PassAll, Add);

    private void Add(SluiceEvent evt)
    {
        lock (_gate) _ring[_next++ % Capacity] = evt;
    }

    /// <summary>Up to <paramref name="count"/> of the most recent events that pass <paramref name="filter"/>, oldest first.</summary>
    public IReadOnlyList<SluiceEvent> Last(int count, CompiledFilter filter)
    {
        SluiceEvent?[] copy;
        long next;
        lock (_gate)
        {
            copy = (SluiceEvent?[])_ring.Clone();
            next = _next;
        }
        var picked = new List<SluiceEvent>();
        for (var i = next - 1; i >= Math.Max(0, next - Capacity) && picked.Count < count; i--)
        {
            if (copy[i % Capacity] is { } e && filter.Passes(e)) picked.Add(e);
        }
        picked.Reverse();
        return picked;
    }

    public void Dispose() => _tap.Dispose();
}
