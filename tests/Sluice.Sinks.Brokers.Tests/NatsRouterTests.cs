using Sluice.Abstractions.Events;
using Sluice.Host.Notify;
using Sluice.Sinks.Brokers.Tests.Support;
using Sluice.Sinks.Nats;
using static Sluice.Sinks.Brokers.Tests.Support.Streams;

namespace Sluice.Sinks.Brokers.Tests;

/// <summary>
/// The nats:// sink behind the host's real notify router and a real JetStream server: the block's filters, the
/// router's resend while the server is down, and the spool across a restart of the router, as for every sink.
/// </summary>
public sealed class NatsRouterTests : IDisposable
{
    private readonly TempFolder _spool = new();

    public void Dispose() => _spool.Dispose();

    [Fact]
    public async Task A_block_sends_only_what_its_filter_takes_retries_while_the_server_is_down_and_delivers_in_order_once_it_is_back()
    {
        await using var nats = await NatsServer.StartAsync(jetStream: true);
        await using (var setup = await nats.ConnectAsync()) await CreateStreamAsync(setup, "EVENTS", "sluice.>");
        await nats.StopAsync();

        await using var f = await BrokerRouter.StartAsync(new NatsSinkPlugin(), $$"""
            notify pipe {
              sink nats://127.0.0.1:{{nats.Port}}/sluice.events;
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
        Assert.Contains($"nats://127.0.0.1:{nats.Port}/sluice.events", down.LastError);

        await nats.StartProcessAsync();
        await using var client = await nats.ConnectAsync();
        await BrokerRouter.WaitUntil(async () => f.Stats("pipe").Delivered == 10, "10 delivered events", 30);
        var stored = await ReadStreamAsync(client, "EVENTS");
        Assert.All(stored, s => Assert.Equal("stream_started", s.Name));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * 2L), stored.Select(s => s.N));
        Assert.Equal(stored.Select(s => s.Id), stored.Select(s => s.MsgId));
        Assert.Equal(BlockState.Healthy, f.Stats("pipe").State);
    }

    [Fact]
    public async Task With_a_spool_what_was_accepted_while_the_server_was_down_survives_a_restart_and_arrives_first_in_order_with_its_ids()
    {
        await using var nats = await NatsServer.StartAsync(jetStream: true);
        await using (var setup = await nats.ConnectAsync()) await CreateStreamAsync(setup, "EVENTS", "sluice.>");
        await nats.StopAsync();
        var conf = $$"""
            notify pipe {
              sink nats://127.0.0.1:{{nats.Port}}/sluice.events;
              spool {{_spool.Path}} 8M;
              resend_notifications_timeout 1;
              timeout 2;
            }
            """;
        var before = Enumerable.Range(0, 10).Select(n => Event("stream_started", n)).ToArray();
        await using (var first = await BrokerRouter.StartAsync(new NatsSinkPlugin(), conf))
        {
            Assert.Null(await first.Router.EmitDurablyAsync(before, TimeSpan.FromSeconds(10), CancellationToken.None)); // on disk: accepted
            await BrokerRouter.WaitUntil(() => Task.FromResult(first.Stats("pipe").FailedBatches >= 1), "a failed delivery");
        } // stopped with nothing delivered: the events stay in the spool

        await nats.StartProcessAsync();
        await using var client = await nats.ConnectAsync();
        await using var second = await BrokerRouter.StartAsync(new NatsSinkPlugin(), conf);
        var after = Enumerable.Range(10, 5).Select(n => Event("stream_started", n)).ToArray();
        Assert.Null(await second.Router.EmitDurablyAsync(after, TimeSpan.FromSeconds(10), CancellationToken.None));
        await BrokerRouter.WaitUntil(async () => await CountAsync(client, "EVENTS") >= 15, "15 events in the stream", 30);

        var stored = await ReadStreamAsync(client, "EVENTS");
        Assert.Equal(before.Concat(after).Select(e => e.Id), stored.Select(s => s.Id)); // in order, once each, the ids they were accepted with
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), stored.Select(s => s.N));
        Assert.Equal(0, second.Stats("pipe").Dropped);
    }
}
