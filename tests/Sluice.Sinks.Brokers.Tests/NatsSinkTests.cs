using System.Text;
using NATS.Client.Core;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Brokers.Tests.Support;
using Sluice.Sinks.Nats;
using static Sluice.Sinks.Brokers.Tests.Support.Streams;

namespace Sluice.Sinks.Brokers.Tests;

/// <summary>The nats:// sink against Debian's real nats-server: core publish, JetStream with acknowledgement, credentials.</summary>
public sealed class NatsSinkTests
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new NatsSinkPlugin());

    private IEventSink Create(string spec, params (string Name, string Value)[] options)
    {
        var diagnostics = new DiagnosticList();
        var context = TestContexts.Sink(spec, diagnostics, "pipe", null, options);
        Assert.True(_factory.Claims(spec));
        _factory.Validate(context);
        Assert.Empty(diagnostics.Items);
        return _factory.Create(context);
    }

    private static async Task<List<Received>> ReadAsync(INatsSub<byte[]> sub, int count)
    {
        var got = new List<Received>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (got.Count < count)
        {
            var msg = await sub.Msgs.ReadAsync(timeout.Token);
            got.Add(Received.From(msg.Headers, msg.Data));
        }
        return got;
    }

    [Fact]
    public async Task Core_publish_sends_one_message_per_event_with_its_json_and_id_to_a_subscriber()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var client = await nats.ConnectAsync();
        await using var sub = await client.SubscribeCoreAsync<byte[]>("sluice.events");
        await client.PingAsync();

        SluiceEvent[] batch = [Event("stream_started", 1), Event("source_closed", 2), Event("stream_stopped", 3)];
        await using var sink = Create($"{nats.Url}/sluice.events");
        await sink.DeliverAsync(batch, CancellationToken.None);

        var got = await ReadAsync(sub, 3);
        Assert.Equal(batch.Select(e => e.ToJson()), got.Select(g => g.Json.GetRawText()));
        Assert.Equal(batch.Select(e => e.Id), got.Select(g => g.MsgId));
    }

    [Fact]
    public async Task When_a_stream_holds_the_subject_every_event_is_stored_with_acknowledgement_and_a_resent_batch_is_stored_once()
    {
        await using var nats = await NatsServer.StartAsync(jetStream: true);
        await using var client = await nats.ConnectAsync();
        await CreateStreamAsync(client, "EVENTS", "sluice.>");

        SluiceEvent[] batch = [Event("stream_started", 1), Event("stream_stopped", 2)];
        await using var sink = Create($"{nats.Url}/sluice.events");
        await sink.DeliverAsync(batch, CancellationToken.None);
        await sink.DeliverAsync(batch, CancellationToken.None); // a resend after a lost acknowledgement

        var stored = await ReadStreamAsync(client, "EVENTS");
        Assert.Equal(batch.Select(e => e.Id), stored.Select(s => s.Id));      // Nats-Msg-Id deduplicates within the window
        Assert.Equal(batch.Select(e => e.Id), stored.Select(s => s.MsgId));
        Assert.Equal(batch.Select(e => e.ToJson()), stored.Select(s => s.Json.GetRawText()));
    }

    [Fact]
    public async Task Without_a_stream_for_the_subject_auto_publishes_core_and_jetstream_on_fails_saying_why()
    {
        await using var nats = await NatsServer.StartAsync(jetStream: true);
        await using var client = await nats.ConnectAsync();
        await CreateStreamAsync(client, "OTHER", "other.>");
        await using var sub = await client.SubscribeCoreAsync<byte[]>("sluice.events");
        await client.PingAsync();

        await using (var auto = Create($"{nats.Url}/sluice.events"))
            await auto.DeliverAsync([Event("stream_started", 1)], CancellationToken.None);
        Assert.Equal("stream_started", Assert.Single(await ReadAsync(sub, 1)).Name);
        Assert.Equal(0, await CountAsync(client, "OTHER"));

        await using var strict = Create($"{nats.Url}/sluice.events", ("jetstream", "on"));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => strict.DeliverAsync([Event("stream_started", 2)], CancellationToken.None).AsTask());
        Assert.Equal($"{nats.Url}/sluice.events: no JetStream stream holds subject 'sluice.events' (jetstream on)", e.Message);
    }

    [Fact]
    public async Task A_server_that_is_down_fails_the_delivery_and_the_same_sink_delivers_once_it_is_back()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var sink = Create($"{nats.Url}/sluice.events", ("timeout", "2"));
        await sink.DeliverAsync([Event("stream_started", 1)], CancellationToken.None);
        await nats.StopAsync();

        // The batch in flight when the server went away may wait for its timeout; the next one fails at connect.
        var first = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync([Event("stream_started", 2)], CancellationToken.None).AsTask());
        Assert.Contains($"{nats.Url}/sluice.events", first.Message);
        var second = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync([Event("stream_started", 2)], CancellationToken.None).AsTask());
        Assert.StartsWith($"publish to {nats.Url}/sluice.events failed: ", second.Message);

        await nats.StartProcessAsync();
        await using var client = await nats.ConnectAsync();
        await using var sub = await client.SubscribeCoreAsync<byte[]>("sluice.events");
        await client.PingAsync();
        await sink.DeliverAsync([Event("stream_started", 3)], CancellationToken.None);
        Assert.Equal(3, Assert.Single(await ReadAsync(sub, 1)).N);
    }

    [Fact]
    public async Task User_password_and_token_in_the_url_authenticate_and_never_appear_in_errors()
    {
        const string password = "pa55-w0rd-secret", token = "t0ken-secret-xyz";
        await using var withUser = await NatsServer.StartAsync(user: "sluice", password: password);
        await using (var sink = Create($"nats://sluice:{password}@127.0.0.1:{withUser.Port}/sluice.events"))
            await sink.DeliverAsync([Event("stream_started", 1)], CancellationToken.None);

        await using var wrong = Create($"nats://sluice:not-{password}@127.0.0.1:{withUser.Port}/sluice.events", ("timeout", "2"));
        var refused = await Assert.ThrowsAsync<SinkDeliveryException>(() => wrong.DeliverAsync([Event("stream_started", 2)], CancellationToken.None).AsTask());
        Assert.DoesNotContain(password, refused.ToString());
        Assert.Contains($"127.0.0.1:{withUser.Port}/sluice.events", refused.Message);

        await using var withToken = await NatsServer.StartAsync(token: token);
        await using (var sink = Create($"nats://{token}@127.0.0.1:{withToken.Port}/sluice.events"))
            await sink.DeliverAsync([Event("stream_started", 3)], CancellationToken.None);

        // Configuration errors name the server and the problem, never the credentials.
        foreach (var spec in new[] { $"nats://sluice:{password}@127.0.0.1:4222/", $"nats://{token}@127.0.0.1:4222/a.*", $"nats://{token}@127.0.0.1:4222/a?x=1" })
        {
            var diagnostics = new DiagnosticList();
            _factory.Validate(TestContexts.Sink(spec, diagnostics));
            var error = Assert.Single(diagnostics.Errors);
            Assert.DoesNotContain(password, error.Message);
            Assert.DoesNotContain(token, error.Message);
            Assert.Contains("nats://127.0.0.1:4222", error.Message);
        }
    }

    [Fact]
    public void Bad_options_are_reported_at_their_line()
    {
        var diagnostics = new DiagnosticList();
        _factory.Validate(TestContexts.Sink("nats://127.0.0.1/sluice.events", diagnostics, "pipe", null, [("jetstream", "maybe"), ("maxlen", "5")]));
        Assert.Equal(["test.conf:2:3: 'jetstream' expects auto (the default), on or off, got 'maybe'"], diagnostics.Errors.Select(d => d.ToString()));
        Assert.Equal(["'maxlen' is not an option of a nats sink (it takes timeout and jetstream): ignored"], diagnostics.Warnings.Select(d => d.Message));
    }
}
