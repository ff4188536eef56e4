using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Brokers.Tests.Support;
using Sluice.Sinks.Redis;
using StackExchange.Redis;
using static Sluice.Sinks.Brokers.Tests.Support.Streams;

namespace Sluice.Sinks.Brokers.Tests;

/// <summary>The redis:// sink against Debian's real redis-server: XADD with MAXLEN ~, server down and back, a password.</summary>
public sealed class RedisSinkTests
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new RedisSinkPlugin());

    private IEventSink Create(string spec, params (string Name, string Value)[] options)
    {
        var diagnostics = new DiagnosticList();
        var context = TestContexts.Sink(spec, diagnostics, "pipe", null, options);
        Assert.True(_factory.Claims(spec));
        _factory.Validate(context);
        Assert.Empty(diagnostics.Items);
        return _factory.Create(context);
    }

    [Fact]
    public async Task Each_event_becomes_one_stream_entry_with_its_name_id_and_json_in_order()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var client = await redis.ConnectAsync();
        SluiceEvent[] batch = [Event("stream_started", 1), Event("source_closed", 2), Event("stream_stopped", 3)];
        await using var sink = Create($"redis://127.0.0.1:{redis.Port}/sluice:events");
        await sink.DeliverAsync(batch, CancellationToken.None);

        var entries = await client.GetDatabase().StreamRangeAsync("sluice:events");
        Assert.Equal(batch.Select(e => e.Name), entries.Select(e => (string?)e["event"]));
        Assert.Equal(batch.Select(e => e.Id), entries.Select(e => (string?)e["id"]));
        Assert.Equal(batch.Select(e => e.ToJson()), entries.Select(e => (string?)e["json"]));
    }

    [Fact]
    public async Task The_stream_is_trimmed_to_about_maxlen_entries_and_keeps_the_newest()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var client = await redis.ConnectAsync();
        await using var sink = Create($"redis://127.0.0.1:{redis.Port}/bounded", ("maxlen", "200"));
        var all = Enumerable.Range(0, 2000).Select(n => Event("load_probe", n)).ToArray();
        foreach (var chunk in all.Chunk(250)) await sink.DeliverAsync(chunk, CancellationToken.None);

        var db = client.GetDatabase();
        var length = await db.StreamLengthAsync("bounded");
        // "~": Redis trims whole nodes (100 entries each by default), so the stream holds at least 200 and about that many.
        Assert.InRange(length, 200, 400);
        var last = await db.StreamRangeAsync("bounded", "-", "+", count: null, messageOrder: Order.Descending);
        Assert.Equal(all[^1].Id, (string?)last[0]["id"]);
    }

    [Fact]
    public async Task A_server_that_is_down_fails_the_delivery_and_the_same_sink_delivers_once_it_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var sink = Create($"redis://127.0.0.1:{redis.Port}/sluice:events", ("timeout", "2"));
        await sink.DeliverAsync([Event("stream_started", 1)], CancellationToken.None);
        await redis.StopAsync();

        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync([Event("stream_started", 2)], CancellationToken.None).AsTask());
        Assert.Contains($"redis://127.0.0.1:{redis.Port}/sluice:events", e.Message);

        await redis.StartProcessAsync(); // in memory: the restarted server starts empty
        await using var client = await redis.ConnectAsync();
        await BrokerRouter.WaitUntil(async () =>
        {
            try { await sink.DeliverAsync([Event("stream_started", 3)], CancellationToken.None); return true; }
            catch (SinkDeliveryException) { return false; } // the client reconnects in the background
        }, "a delivery after the restart");
        var entries = await client.GetDatabase().StreamRangeAsync("sluice:events");
        Assert.Equal("3", System.Text.Json.JsonDocument.Parse((string)entries[0]["json"]!).RootElement.GetProperty("n").GetRawText());
    }

    [Fact]
    public async Task A_password_in_the_url_authenticates_and_never_appears_in_errors()
    {
        const string password = "r3dis-secret-pw";
        await using var redis = await RedisServer.StartAsync(password);
        await using (var sink = Create($"redis://:{password}@127.0.0.1:{redis.Port}/sluice:events"))
            await sink.DeliverAsync([Event("stream_started", 1)], CancellationToken.None);
        await using (var sink = Create($"redis://default:{password}@127.0.0.1:{redis.Port}/sluice:events"))
            await sink.DeliverAsync([Event("stream_started", 2)], CancellationToken.None);
        await using var client = await redis.ConnectAsync();
        Assert.Equal(2, await client.GetDatabase().StreamLengthAsync("sluice:events"));

        await using var wrong = Create($"redis://:not-{password}@127.0.0.1:{redis.Port}/sluice:events", ("timeout", "2"));
        var refused = await Assert.ThrowsAsync<SinkDeliveryException>(() => wrong.DeliverAsync([Event("stream_started", 3)], CancellationToken.None).AsTask());
        Assert.DoesNotContain(password, refused.ToString());
        Assert.Contains($"redis://127.0.0.1:{redis.Port}/sluice:events", refused.Message);

        foreach (var spec in new[] { $"redis://:{password}@127.0.0.1:6379/", $"redis://{password}@127.0.0.1:6379/s?x=1" })
        {
            var diagnostics = new DiagnosticList();
            _factory.Validate(TestContexts.Sink(spec, diagnostics));
            var error = Assert.Single(diagnostics.Errors);
            Assert.DoesNotContain(password, error.Message);
            Assert.Contains("redis://127.0.0.1:6379", error.Message);
        }
    }

    [Fact]
    public void Bad_options_are_reported_at_their_line()
    {
        var diagnostics = new DiagnosticList();
        _factory.Validate(TestContexts.Sink("redis://127.0.0.1/s", diagnostics, "pipe", null, [("maxlen", "0"), ("db", "x"), ("jetstream", "on")]));
        Assert.Equal([
            "test.conf:2:3: 'maxlen' expects a number of entries greater than zero (the stream is trimmed to about that many), got '0'",
            "test.conf:3:3: 'db' expects a database number (0, 1, ...), got 'x'",
        ], diagnostics.Errors.Select(d => d.ToString()));
        Assert.Equal(["'jetstream' is not an option of a redis sink (it takes maxlen, db and timeout): ignored"], diagnostics.Warnings.Select(d => d.Message));
    }
}
