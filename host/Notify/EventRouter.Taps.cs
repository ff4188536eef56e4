using Sluice.Abstractions.Events;
using Sluice.Host.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// Taps: live readers of the router's events besides the notify blocks (the API's event tail, metrics).
/// A tap's filter runs in the emitter's thread like a block's, on the same view; a matching event is built
/// (once, shared with the blocks) and handed to the tap's callback, which must return at once without
/// blocking (queue it, count it, or drop it). With no tap the router does exactly what it did before.
/// </summary>
internal sealed partial class EventRouter
{
    private readonly object _tapGate = new();
    private volatile Tap[] _taps = [];

    private sealed class Tap(CompiledFilter filter, Action<SluiceEvent> offer)
    {
        public CompiledFilter Filter { get; } = filter;
        public Action<SluiceEvent> Offer { get; } = offer;
    }

    /// <summary>
    /// Hands every event that <paramref name="filter"/> passes to <paramref name="offer"/>, in the emitter's
    /// thread, until the returned handle is disposed. <paramref name="offer"/> must never block or throw.
    /// </summary>
    public IDisposable Subscribe(CompiledFilter filter, Action<SluiceEvent> offer)
    {
        var tap = new Tap(filter, offer);
        lock (_tapGate) _taps = [.. _taps, tap];
        return new Subscription(this, tap);
    }

    /// <summary>How many taps are subscribed now.</summary>
    public int TapCount => _taps.Length;

    private void Unsubscribe(Tap tap)
    {
        lock (_tapGate) _taps = _taps.Where(t => t != tap).ToArray();
    }

    private void OfferToTaps(in EventDraft draft, EventDefinition? definition, string server, in EventView view, ref SluiceEvent? evt)
    {
        foreach (var tap in _taps)
        {
            if (tap.Filter.NeedsBuiltEvent)
            {
                evt ??= Build(draft, definition, server);
                if (!tap.Filter.Passes(evt)) continue;
            }
            else if (!tap.Filter.Passes(view)) continue;
            evt ??= Build(draft, definition, server);
            tap.Offer(evt);
        }
    }

    private void OfferToTaps(SluiceEvent evt, in EventView view)
    {
        foreach (var tap in _taps)
        {
            if (tap.Filter.Passes(view)) tap.Offer(evt);
        }
    }

    private sealed class Subscription(EventRouter router, Tap tap) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) router.Unsubscribe(tap);
        }
    }
}
