using System.Net;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using StackExchange.Redis;

namespace Sluice.Sinks.Redis;

/// <summary>
/// Appends each event of a batch to one Redis stream: <c>XADD STREAM MAXLEN ~ N * event NAME id ID json JSON</c>,
/// the batch's commands pipelined on one connection (in order) and awaited together. The multiplexer reconnects
/// by itself; while it is down commands fail at once (no backlog), so the router's retry owns every resend.
/// </summary>
internal sealed class RedisSink(RedisSinkOptions options, string blockName) : IEventSink
{
    private static readonly RedisValue EventField = "event", IdField = "id", JsonField = "json";

    private ConnectionMultiplexer? _redis;
    private string? _lastConnectionFailure;

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            var db = (_redis ??= await ConnectAsync()).GetDatabase(options.Database);
            var key = new RedisKey(options.Stream);
            var adds = new Task<RedisValue>[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var e = batch[i];
                NameValueEntry[] entry = [new(EventField, e.Name), new(IdField, e.Id), new(JsonField, e.Utf8Json)];
                adds[i] = db.StreamAddAsync(key, entry, messageId: null, maxLength: options.MaxLength, useApproximateMaxLength: true);
            }
            await Task.WhenAll(adds).WaitAsync(options.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new SinkDeliveryException($"{options.Display} did not answer within {options.Timeout.TotalSeconds:0.###} s (part of the batch may have been added)");
        }
        catch (RedisException e)
        {
            var cause = Volatile.Read(ref _lastConnectionFailure) is { } failure ? $" (last connection failure: {failure})" : "";
            throw new SinkDeliveryException($"XADD to {options.Display} failed: {FirstSentence(e.Message)}{cause}", e);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var config = new ConfigurationOptions
        {
            EndPoints = { new DnsEndPoint(options.Host, options.Port) },
            User = options.User,
            Password = options.Password,
            ClientName = $"sluice-notify-{blockName}",
            AbortOnConnectFail = false,          // a receiver down at start is retried like any other failure
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = (int)options.Timeout.TotalMilliseconds,
            AsyncTimeout = (int)options.Timeout.TotalMilliseconds,
            SyncTimeout = (int)options.Timeout.TotalMilliseconds,
        };
        var redis = await ConnectionMultiplexer.ConnectAsync(config);
        // Why the connection is down is only told to this event (a wrong password, a refused connection).
        redis.ConnectionFailed += (_, e) => Volatile.Write(ref _lastConnectionFailure, $"{e.FailureType}, {FirstSentence(e.Exception?.Message ?? "")}".TrimEnd(' ', ','));
        redis.ConnectionRestored += (_, _) => Volatile.Write(ref _lastConnectionFailure, null);
        return redis;
    }

    /// <summary>StackExchange.Redis appends a long diagnostic tail after the first sentence; the reason is the first one.</summary>
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf("; ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is { } redis) await redis.DisposeAsync();
        _redis = null;
    }
}
