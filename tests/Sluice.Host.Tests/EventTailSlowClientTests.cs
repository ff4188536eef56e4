using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// <c>GET /api/v1/events/stream</c> with a client that stops reading (a raw socket with a small receive buffer)
/// while events are injected fast: it is cut off and counted, and a reading client and a notify block get every event.
/// </summary>
public sealed class EventTailSlowClientTests
{
    // Batches below the tail's queue (512 events): a burst larger than the queue would drop any client.
    private const int Batches = 60;
    private const int PerBatch = 200;

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_and_counted_while_other_readers_and_notify_blocks_get_every_event()
    {
        await using var host = await SluiceProcess.StartAsync("""
            notify file { sink log://events.jsonl; only event=stream_started media=tail; }
            """);
        var only = "?only=" + Uri.EscapeDataString("event=stream_started media=tail");

        // The slow client: a raw socket, 4 KB receive buffer, that reads the response headers and then nothing.
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await slow.ConnectAsync(IPAddress.Loopback, host.Port);
        await slow.SendAsync(Encoding.ASCII.GetBytes($"GET /api/v1/events/stream{only} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        var head = new byte[1024];
        var got = await slow.ReceiveAsync(head);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(head, 0, got));

        // A client that reads everything.
        using var tail = new HttpClient { BaseAddress = host.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await tail.GetAsync("/api/v1/events/stream" + only, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8, false, 64 * 1024);
        Assert.Equal(": sluice event tail", await reader.ReadLineAsync());
        var total = Batches * PerBatch;
        var seen = 0;
        var counting = Task.Run(async () =>
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (Volatile.Read(ref seen) < total && await reader.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.StartsWith("event: stream_started", StringComparison.Ordinal)) Interlocked.Increment(ref seen);
            }
            return Volatile.Read(ref seen);
        });

        // Events injected fast, each with 1 KB of padding: far more than the slow client's queue and socket buffers hold.
        var pad = new string('x', 1024);
        var posting = Stopwatch.StartNew();
        for (var b = 0; b < Batches; b++)
        {
            var batch = string.Join(',', Enumerable.Range(0, PerBatch).Select(i => $$"""{"event":"stream_started","media":"tail","n":{{b * PerBatch + i}},"pad":"{{pad}}"}"""));
            using var posted = await host.Http.PostAsync("/api/v1/events", new StringContent("[" + batch + "]", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            // The reading client stays within a batch or two (bounded), as a client that reads does; the slow one never reads.
            var behind = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref seen) < (b - 1) * PerBatch && !counting.IsCompleted && DateTime.UtcNow < behind) await Task.Delay(5);
        }
        posting.Stop();

        // The reading client and the notify block got every event.
        Assert.Equal(total, await counting.WaitAsync(TimeSpan.FromSeconds(120)));
        var log = Path.Combine(host.WorkDirectory, "events.jsonl");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (CountLines(log) < total)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the notify block wrote {CountLines(log)} of {total} events");
            await Task.Delay(200);
        }
        Assert.Equal(total, CountLines(log));

        // The slow client was cut off: reading now, its connection ends (an event stream never ends by itself)
        // before every event arrived.
        var drained = 0L;
        var buffer = new byte[64 * 1024];
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                while (await slow.ReceiveAsync(buffer, SocketFlags.None, limit.Token) is var n and > 0) drained += n;
            }
            catch (SocketException)
            {
                // Reset by the server's abort: cut off as well.
            }
        }
        Assert.True(drained < total * (long)pad.Length, $"the slow client got {drained} bytes before it was cut off");

        // Counted in /metrics and logged once.
        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("sluice_event_tail_dropped_clients_total 1", metrics);
        await host.WaitForOutputAsync("event tail client", TimeSpan.FromSeconds(10));
        Assert.Contains("dropped: it read too slowly", host.Output);
        Assert.True(posting.Elapsed < TimeSpan.FromSeconds(60), $"injecting {total} events took {posting.Elapsed}");
    }

    private static int CountLines(string path)
    {
        if (!File.Exists(path)) return 0;
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(s);
        var n = 0;
        while (r.ReadLine() is { } line)
        {
            if (line.Contains("\"stream_started\"", StringComparison.Ordinal)) n++;
        }
        return n;
    }
}
