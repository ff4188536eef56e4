using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Notify;
using Sluice.Host.Notify.Spool;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

/// <summary>The durable spool on a real folder: recovery in order, a torn tail, the size bound, a restart of the router.</summary>
public sealed class SpoolTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SluiceEvent Event(long n, int padding = 0) =>
        new("stream_started", $"id-{n}", 1_700_000_000_000 + n, "srv", EventLevel.Info, "m", null,
            padding > 0 ? [new("n", n), new("pad", new string('x', padding))] : [new("n", n)]);

    private static List<(long Seq, SluiceEvent Event)> ReadAll(SpoolLog log, long from = 1)
    {
        var all = new List<(long, SluiceEvent)>();
        log.Read(from, int.MaxValue, all);
        return all;
    }

    private static long[] Numbers(IEnumerable<SluiceEvent> events) => events.Select(e => e["n"].AsInteger).ToArray();

    [Fact]
    public void Committed_events_survive_a_reopen_byte_for_byte_and_acknowledged_ones_do_not_come_back()
    {
        var folder = Path.Combine(_dir.Path, "a");
        var written = Enumerable.Range(1, 10).Select(i => Event(i)).ToArray();
        using (var log = SpoolLog.Open(folder, 4 << 20))
        {
            foreach (var e in written) log.Append(e);
            Assert.Equal(10, log.Commit());
            log.Ack(4);
            log.Commit(); // writes the ack record
        } // no orderly shutdown beyond the commits: what a kill -9 leaves

        using var reopened = SpoolLog.Open(folder, 4 << 20);
        Assert.Equal(6, reopened.Recovered);
        Assert.Equal(0, reopened.TornBytes);
        Assert.Equal(4, reopened.Acked);
        var back = ReadAll(reopened);
        Assert.Equal([5L, 6, 7, 8, 9, 10], back.Select(b => b.Seq));
        for (var i = 0; i < back.Count; i++)
            Assert.Equal(written[i + 4].Utf8Json.ToArray(), back[i].Event.Utf8Json.ToArray()); // id and all, as the sink got it first
        Assert.Equal("id-5", back[0].Event.Id);
    }

    [Fact]
    public void A_torn_record_at_the_end_is_cut_off_at_open_and_nothing_before_it_is_lost()
    {
        var folder = Path.Combine(_dir.Path, "torn");
        using (var log = SpoolLog.Open(folder, 4 << 20))
        {
            for (var i = 1; i <= 3; i++) log.Append(Event(i));
            log.Commit();
        }
        // A crash in the middle of the next write: the first 20 bytes of a 4th record.
        var segment = Directory.GetFiles(folder, "*.wal").Single();
        var whole = new System.Buffers.ArrayBufferWriter<byte>();
        SpoolRecord.Write(whole, SpoolRecordType.Event, 4, Event(4).Utf8Json.Span);
        using (var f = new FileStream(segment, FileMode.Append)) f.Write(whole.WrittenSpan[..20]);
        var lengthWithTear = new FileInfo(segment).Length;

        using (var reopened = SpoolLog.Open(folder, 4 << 20))
        {
            Assert.Equal(20, reopened.TornBytes);
            Assert.Equal(3, reopened.Recovered);
            Assert.Equal(lengthWithTear - 20, new FileInfo(segment).Length);
            Assert.Equal([1L, 2, 3], Numbers(ReadAll(reopened).Select(r => r.Event)));
            // The log goes on after the cut: the next event gets sequence 4 and reads back.
            reopened.Append(Event(4));
            Assert.Equal(4, reopened.Commit());
        }
        using var again = SpoolLog.Open(folder, 4 << 20);
        Assert.Equal(0, again.TornBytes);
        Assert.Equal([1L, 2, 3, 4], Numbers(ReadAll(again).Select(r => r.Event)));
    }

    [Fact]
    public void A_second_open_of_the_same_folder_is_refused_while_the_first_holds_it()
    {
        var folder = Path.Combine(_dir.Path, "locked");
        using var first = SpoolLog.Open(folder, 4 << 20);
        var e = Assert.Throws<IOException>(() => SpoolLog.Open(folder, 4 << 20));
        Assert.Contains("in use by another process", e.Message);
    }

    [Fact]
    public void Above_its_size_the_spool_drops_the_oldest_counts_them_and_keeps_the_rest_in_order()
    {
        var folder = Path.Combine(_dir.Path, "full");
        using var log = SpoolLog.Open(folder, 1 << 20); // 1 MiB: segments of 128 KiB
        for (var i = 1; i <= 3000; i++)
        {
            log.Append(Event(i, padding: 1000));
            if (i % 100 == 0) log.Commit();
        }
        Assert.True(log.Dropped > 0, "nothing was dropped");
        Assert.True(log.Bytes <= log.MaxBytes, $"{log.Bytes} bytes on disk above {log.MaxBytes}");
        Assert.Equal(3000, log.LastSeq);
        Assert.Equal(3000 - log.Dropped, log.Pending);
        var kept = ReadAll(log);
        Assert.Equal(Enumerable.Range((int)log.Dropped + 1, (int)(3000 - log.Dropped)).Select(i => (long)i), kept.Select(k => k.Seq));
    }

    [Fact]
    public async Task After_a_restart_a_spooled_block_delivers_what_was_not_acknowledged_in_order_with_the_same_ids_before_new_events()
    {
        var conf = $"notify a {{ sink collect://a; spool {_dir.Path} 8M; resend_notifications_timeout 1; }}";
        var firstIds = new List<string>();
        await using (var down = new RouterFixture(new NotifyRouterSettings { ServerName = "s", DrainTimeout = TimeSpan.FromSeconds(1) }))
        {
            down.Factory.Hooks["collect://a"] = (batch, _) =>
            {
                lock (firstIds) if (firstIds.Count == 0) firstIds.AddRange(batch.Select(e => e.Id));
                throw new SinkDeliveryException("503 Service Unavailable");
            };
            await down.Apply(conf);
            var injected = Enumerable.Range(0, 50).Select(i => new SluiceEvent("stream_started", $"ev-{i}", 1_700_000_000_000 + i, "s",
                EventLevel.Info, "m", null, [new("n", i)])).ToArray();
            Assert.Null(await down.Router.EmitDurablyAsync(injected, TimeSpan.FromSeconds(10), CancellationToken.None));
            await Conf.WaitUntil(() => down.Stats("a").FailedBatches > 0, what: "a failed delivery");
            Assert.Equal(50, down.Stats("a").Spooled);
        } // stopped while the receiver is down: a spooled block keeps everything

        Assert.Equal(Path.Combine(_dir.Path, "a"), Directory.GetDirectories(_dir.Path).Single());
        await using var up = new RouterFixture(new NotifyRouterSettings { ServerName = "s" });
        await up.Apply(conf);
        for (var i = 50; i < 60; i++) up.Router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", i)] });
        var events = await up.Factory.Sink("collect://a").WaitForAsync(60);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), Numbers(events));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"ev-{i}"), events.Take(50).Select(e => e.Id));
        Assert.Equal(firstIds, events.Take(firstIds.Count).Select(e => e.Id));
        await Conf.WaitUntil(() => up.Stats("a").Spooled == 0, what: "the spool acknowledged");
        Assert.Equal(0, up.Stats("a").Dropped);
    }

    [Fact]
    public async Task A_full_spool_drops_the_oldest_counts_them_and_says_so_with_an_event_of_its_own()
    {
        await using var f = new RouterFixture(new NotifyRouterSettings { ServerName = "s" });
        f.Factory.Hooks["collect://a"] = (_, _) => throw new SinkDeliveryException("503 Service Unavailable");
        await f.Apply($$"""
            notify a { sink collect://a; spool {{_dir.Path}} 1M; resend_notifications_timeout 1; only event=stream_started; }
            notify ops { sink collect://ops; only event=notify_spool_full; }
            """);
        var pad = new string('x', 1000);
        for (var i = 0; i < 3000; i++) f.Router.Emit(new EventDraft("stream_started") { Media = "m", Fields = [new("n", i), new("pad", pad)] });

        var full = (await f.Factory.Sink("collect://ops").WaitForAsync(1))[0];
        Assert.Equal("a", full["block"].AsString);
        Assert.True(full["dropped"].AsInteger > 0);
        Assert.Equal(1L << 20, full["limit_bytes"].AsInteger);
        await Conf.WaitUntil(() => f.Stats("a") is { Spooled: var kept, Dropped: var dropped } && kept + dropped == 3000, what: "every event kept or counted");
        var s = f.Stats("a");
        Assert.True(s.Dropped >= full["dropped"].AsInteger);
        Assert.True(s.SpoolBytes <= 1L << 20, $"{s.SpoolBytes} bytes");
        Assert.Contains("\"dropped\":" + s.Dropped, NotifyApi.ToJson(f.Router.Stats()).Replace(" ", ""));
    }
}
