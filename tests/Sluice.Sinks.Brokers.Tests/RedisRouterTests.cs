using System.Text.Json;
using Sluice.Host.Notify;
using Sluice.Sinks.Brokers.Tests.Support;
using Sluice.Sinks.Redis;
using StackExchange.Redis;
using static Sluice.Sinks.Brokers.Tests.Support.Streams;

namespace Sluice.Sinks.Brokers.Tests;

/// <summary>
/// The redis:// sink behind the host's real notify router and a real redis-server: the block's filters, the
/// router's resend while the server is down, and the spool across a restart of the router, as for every sink.
/// </summary>
public sealed class RedisRouterTests : IDisposable
{
    private readonly TempFolder _spool = new();

    public void Dispose() => _spool.Dispose();

    private static async Task<JsonElement[]> EntriesAsync(ConnectionMultiplexer client, string stream) =>
        (await client.GetDatabase().StreamRangeAsync(stream)).Select(e => JsonDocument.Parse((string)e["json"]!).RootElement.Clone()).ToArray();

    [Fact]
    public async Task A_block_sends_only_what_its_filter_takes_retries_while_the_server_is_down_and_delivers_in_order_once_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        await using var f = await BrokerRouter.StartAsync(new RedisSinkPlugin(), $$"""
            notify pipe {
              sink redis://127.0.0.1:{{redis.Port}}/sluice:events;
              only event=stream_started;
              resend_notifications_limit 100;
              resend_notifications_timeout 1;
              timeout 2;
            }
            """);
        for (var n = 0; n < 20; n++) f.Emit(n % 2 == 0 ? "stream_started" : "stream_stopped", n);
        await BrokerRouter.WaitUntil(() => Task.FromResult(f.Stats("pipe").FailedBatches >= 1), "a failed delivery");
        var down = f.Stats("pipe");
        Assert.Equal(BlockState.Retrying, down.State);
        Assert.Contains($"redis://127.0.0.1:{redis.Port}/sluice:events", down.LastError);

        await redis.StartProcessAsync();
        await using var client = await redis.ConnectAsync();
        await BrokerRouter.WaitUntil(() => Task.FromResult(f.Stats("pipe").Delivered == 10), "10 delivered events", 30);
        var entries = await EntriesAsync(client, "sluice:events");
        Assert.All(entries, e => Assert.Equal("stream_started", e.GetProperty("event").GetString()));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 2L), entries.Select(e => e.GetProperty("n").GetInt64()));
    }

    [Fact]
    public async Task With_a_spool_what_was_accepted_while_the_server_was_down_survives_a_restart_and_arrives_first_in_order_with_its_ids()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        var conf = $$"""
            notify pipe {
              sink redis://127.0.0.1:{{redis.Port}}/sluice:events;
              spool {{_spool.Path}} 8M;
              resend_notifications_timeout 1;
              timeout 2;
            }
            """;
        var before = Enumerable.Range(0, 10).Select(n => Event("stream_started", n)).ToArray();
        await using (var first = await BrokerRouter.StartAsync(new RedisSinkPlugin(), conf))
        {
            Assert.Null(await first.Router.EmitDurablyAsync(before, TimeSpan.FromSeconds(10), CancellationToken.None));
            await BrokerRouter.WaitUntil(() => Task.FromResult(first.Stats("pipe").FailedBatches >= 1), "a failed delivery");
        }

        await redis.StartProcessAsync();
        await using var client = await redis.ConnectAsync();
        await using var second = await BrokerRouter.StartAsync(new RedisSinkPlugin(), conf);
        var after = Enumerable.Range(10, 5).Select(n => Event("stream_started", n)).ToArray();
        Assert.Null(await second.Router.EmitDurablyAsync(after, TimeSpan.FromSeconds(10), CancellationToken.None));
        await BrokerRouter.WaitUntil(() => Task.FromResult(second.Stats("pipe").Delivered >= 15), "15 delivered events", 30);

        var entries = await EntriesAsync(client, "sluice:events");
        // At least once: an entry may repeat if an acknowledgement was lost; first occurrences are every event once, in order.
        var seen = new HashSet<string>();
        var firsts = entries.Where(e => seen.Add(e.GetProperty("id").GetString()!)).ToArray();
        Assert.Equal(before.Concat(after).Select(e => e.Id), firsts.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(0, second.Stats("pipe").Dropped);
    }
}
