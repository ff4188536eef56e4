using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// The durable spool against the real host process: a real HTTP receiver down while events are
/// injected, the host killed with -9 twice meanwhile, then the receiver back: every event answered
/// 202 arrives, in order, with the id it had from the start.
/// </summary>
public sealed class SpoolKillTests : IDisposable
{
    private readonly TempFolder _spool = new();

    public void Dispose() => _spool.Dispose();

    [Fact]
    public async Task Every_accepted_event_arrives_in_order_with_stable_ids_after_two_kill_9_while_the_receiver_was_down()
    {
        var up = 0;
        var delivered = new ConcurrentQueue<(long Seq, string Id)>();
        var refusedIds = new ConcurrentDictionary<long, string>();
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = ctx =>
        {
            var body = receiver.Requests.Last().Body;
            foreach (var e in JsonDocument.Parse(body).RootElement.EnumerateArray())
            {
                var seq = e.GetProperty("seq").GetInt64();
                var id = e.GetProperty("id").GetString()!;
                if (Volatile.Read(ref up) == 1) delivered.Enqueue((seq, id));
                else refusedIds.TryAdd(seq, id);
            }
            ctx.Response.StatusCode = Volatile.Read(ref up) == 1 ? 200 : 503;
            return Task.CompletedTask;
        };
        var conf = $$"""
            notify backend {
              sink {{receiver.BaseUrl}}/hook;
              only event=load_probe;
              spool {{_spool.Path}} 64M;
              resend_notifications_timeout 1;
            }
            """;

        var next = 1L;
        async Task Inject(SluiceProcess host, int batches)
        {
            for (var b = 0; b < batches; b++)
            {
                var json = new StringBuilder("[");
                for (var i = 0; i < 50; i++) json.Append(i > 0 ? "," : "").Append($"{{\"event\":\"load_probe\",\"seq\":{next + i}}}");
                using var r = await host.Http.PostAsync("/api/v1/events", new StringContent(json.Append(']').ToString(), Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode); // 202: the 50 events are on disk
                next += 50;
            }
        }

        for (var run = 0; run < 2; run++)
        {
            await using var host = await SluiceProcess.StartAsync(conf);
            await Inject(host, 6);
            host.Signal(9); // right after the last 202, with deliveries failing and retrying
            await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        var accepted = next - 1;
        Assert.Equal(600, accepted);

        Volatile.Write(ref up, 1);
        await using (var host = await SluiceProcess.StartAsync(conf))
        {
            await Inject(host, 2);
            accepted = next - 1;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (delivered.Select(d => d.Seq).Distinct().Count() < accepted && DateTime.UtcNow < deadline) await Task.Delay(100);
            await host.WaitForOutputAsync("delivering them first", TimeSpan.FromSeconds(1));

            using var stats = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/notify"));
            var block = stats.RootElement.GetProperty("handlers")[0];
            Assert.Equal(0, block.GetProperty("dropped").GetInt64());
        }

        var got = delivered.ToArray();
        // At least once: a batch the receiver took just before a kill may come again; dropping repeats by id gives every event once, in order.
        var seen = new HashSet<string>();
        var firsts = got.Where(d => seen.Add(d.Id)).ToArray();
        Assert.Equal(Enumerable.Range(1, (int)accepted).Select(i => (long)i), firsts.Select(d => d.Seq));
        Assert.All(got, d => Assert.Equal(firsts[d.Seq - 1].Id, d.Id));                   // one id per event, across restarts
        Assert.NotEmpty(refusedIds);
        Assert.All(refusedIds, r => Assert.Equal(r.Value, firsts[r.Key - 1].Id));          // the id it had when first refused
    }
}
