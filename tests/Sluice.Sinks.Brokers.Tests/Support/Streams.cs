using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Sluice.Abstractions.Events;

namespace Sluice.Sinks.Brokers.Tests.Support;

/// <summary>What a NATS consumer or a JetStream reader got: the message's header id and its JSON.</summary>
internal sealed record Received(string? MsgId, JsonElement Json)
{
    public string Name => Json.GetProperty("event").GetString()!;
    public string Id => Json.GetProperty("id").GetString()!;
    public long N => Json.GetProperty("n").GetInt64();

    public static Received From(NatsHeaders? headers, byte[]? data) =>
        new(headers is not null && headers.TryGetValue("Nats-Msg-Id", out var id) ? id.ToString() : null,
            JsonDocument.Parse(data ?? []).RootElement.Clone());
}

internal static class Streams
{
    private static long _id;

    public static SluiceEvent Event(string name, long n) =>
        new(name, $"ev-{Interlocked.Increment(ref _id)}", 1_795_255_200_000 + n, "streamer1.test", EventLevel.Info, "cam1", null, [new("n", n)]);

    /// <summary>Creates stream <paramref name="name"/> capturing <paramref name="subjects"/> (file storage, 2 min duplicate window).</summary>
    public static async Task CreateStreamAsync(NatsConnection connection, string name, params string[] subjects)
    {
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig(name, subjects));
    }

    /// <summary>Every message of the stream, in stream order, read by a fresh consumer that acknowledges nothing.</summary>
    public static async Task<IReadOnlyList<Received>> ReadStreamAsync(NatsConnection connection, string stream)
    {
        var js = new NatsJSContext(connection);
        var info = await js.GetStreamAsync(stream);
        var count = (int)info.Info.State.Messages;
        var all = new List<Received>();
        if (count == 0) return all;
        var consumer = await js.CreateOrderedConsumerAsync(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: timeout.Token))
        {
            all.Add(Received.From(msg.Headers, msg.Data));
            if (all.Count == count) break;
        }
        return all;
    }

    public static async Task<long> CountAsync(NatsConnection connection, string stream)
    {
        var js = new NatsJSContext(connection);
        return (long)(await js.GetStreamAsync(stream)).Info.State.Messages;
    }

    public static string Text(byte[] data) => Encoding.UTF8.GetString(data);
}
