using Sluice.Abstractions.Events;
using Sluice.Host.Notify;

namespace Sluice.Notify.Tests;

public class BlockQueueTests
{
    private static SluiceEvent Event(int n) => new("stream_started", n.ToString(), n, "srv", EventLevel.Info);

    [Fact]
    public async Task A_parking_reader_gets_every_event_of_two_writers_taking_turns_in_each_writers_order()
    {
        // The router serializes writers with its emit lock; the reader runs concurrently.
        var queue = new BlockQueue();
        var writeLock = new Lock();
        const int perWriter = 200_000;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Writers pause now and then so the reader drains the queue and parks again and again.
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                lock (writeLock) queue.Write(Event(w * perWriter + i));
                Interlocked.MemoryBarrier();
                queue.WakeIfParked();
                if (i % 1000 == 0) Thread.Yield();
            }
        })).ToArray();
        var last = new[] { -1, perWriter - 1 };
        var received = 0;
        var batch = new EventBatch(333);
        while (received < 2 * perWriter)
        {
            Assert.True(await queue.WaitToReadAsync(timeout.Token));
            while (queue.ReadInto(batch, 333) > 0)
            {
                foreach (var e in batch)
                {
                    var n = (int)e.UtcMs;
                    var w = n / perWriter;
                    Assert.True(n > last[w], $"event {n} after {last[w]}");
                    last[w] = n;
                    received++;
                }
                batch.Clear();
            }
        }
        await Task.WhenAll(writers);
        Assert.Equal(2 * perWriter, received);
        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public void A_full_queue_refuses_the_new_event_and_takes_again_once_read()
    {
        var queue = new BlockQueue(capacity: 3000);
        for (var i = 1; i <= 3000; i++) Assert.Equal(i, queue.Write(Event(i)));
        Assert.Equal(0, queue.Write(Event(3001)));
        Assert.Equal(3000, queue.Count);
        Assert.Equal(1, queue.PeekOldest()!.UtcMs);
        var batch = new EventBatch(1000);
        Assert.Equal(1000, queue.ReadInto(batch, 1000));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), batch.Select(e => e.UtcMs));
        Assert.Equal(3001, queue.Write(Event(3002)));
        batch.Clear();
        var rest = new List<long>();
        while (queue.ReadInto(batch, 1000) > 0) { rest.AddRange(batch.Select(e => e.UtcMs)); batch.Clear(); }
        Assert.Equal(Enumerable.Range(1001, 2000).Select(i => (long)i).Append(3002), rest);
        Assert.Equal(0, queue.Count);
        Assert.Null(queue.PeekOldest());
    }

    [Fact]
    public async Task A_completed_queue_rejects_writes_and_ends_the_reader_once_drained()
    {
        var queue = new BlockQueue();
        Assert.True(queue.TryWrite(Event(1)));
        var waiting = Task.Run(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = 0;
            while (await queue.WaitToReadAsync(timeout.Token))
            {
                while (queue.TryRead(out _)) read++;
            }
            return read;
        });
        await Task.Delay(50);
        queue.Complete();
        Assert.False(queue.TryWrite(Event(2)));
        Assert.Equal(1, await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_parked_reader_stops_with_cancellation()
    {
        var queue = new BlockQueue();
        using var cancel = new CancellationTokenSource();
        var waiting = queue.WaitToReadAsync(cancel.Token).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_nudge_wakes_a_parked_reader_once_with_nothing_queued()
    {
        var queue = new BlockQueue();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var parked = queue.WaitToReadAsync(timeout.Token).AsTask();
        Assert.False(parked.IsCompleted);

        queue.Nudge();

        Assert.True(await parked.WaitAsync(timeout.Token));
        Assert.True(queue.IsEmpty);
        queue.Nudge();   // taken by the next wait even when nobody was parked
        Assert.True(await queue.WaitToReadAsync(timeout.Token));
        var again = queue.WaitToReadAsync(timeout.Token).AsTask();   // parks again: the nudge was used up
        Assert.False(again.IsCompleted);
        queue.TryWrite(Event(1));
        Assert.True(await again.WaitAsync(timeout.Token));
    }
}
