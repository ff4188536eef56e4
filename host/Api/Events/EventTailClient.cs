using System.Threading.Channels;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Api.Events;

/// <summary>
/// One client of the event tail: a bounded queue the router's tap writes to without waiting. When the
/// client reads too slowly and the queue is full, it is dropped: the queue is closed and
/// <see cref="Dropped"/> fires, so the connection is cut and the router never waits for it.
/// </summary>
internal sealed class EventTailClient
{
    public const int QueueCapacity = 512;

    private readonly Channel<SluiceEvent> _queue = Channel.CreateBounded<SluiceEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the router never waits
    });
    private readonly CancellationTokenSource _dropped = new();
    private int _overflowed;

    public ChannelReader<SluiceEvent> Events => _queue.Reader;

    /// <summary>Cancelled when the client was dropped for being too slow.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public bool WasDropped => Volatile.Read(ref _overflowed) == 1;

    /// <summary>The tap's callback: queues the event, or drops the client when its queue is full.</summary>
    public void Offer(SluiceEvent evt)
    {
        if (_queue.Writer.TryWrite(evt) || Interlocked.Exchange(ref _overflowed, 1) != 0) return;
        _queue.Writer.TryComplete();
        // Cancelling runs the connection's abort in the emitter's thread: hand it to the pool instead.
        ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _dropped, preferLocal: false);
    }

    public void Complete() => _queue.Writer.TryComplete();
}
