using NATS.Client.Core;
using NATS.Client.JetStream;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;

namespace Sluice.Sinks.Nats;

/// <summary>
/// Publishes each event of a batch as one NATS message (its JSON, header <c>Nats-Msg-Id</c> = the event's id) to
/// one subject. When a JetStream stream holds the subject, every message is published with acknowledgement and the
/// batch succeeds once each one is stored (a resent event within the stream's duplicate window is stored once);
/// otherwise it is a core publish, and a PING/PONG after the batch proves the server has read all of it.
/// Whether a stream holds the subject is asked once per connection. After a failure the connection is dropped, so
/// nothing half-sent is replayed behind the router's back; the next batch connects afresh.
/// </summary>
internal sealed class NatsSink(NatsSinkOptions options, string blockName) : IEventSink
{
    private static readonly INatsSerialize<ReadOnlyMemory<byte>> Raw = NatsRawSerializer<ReadOnlyMemory<byte>>.Default;

    private NatsConnection? _connection;
    private NatsJSContext? _js;

    /// <summary>True when the connected server has a stream for the subject (JetStream publish).</summary>
    internal bool UsesJetStream => _js is not null;

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var ct = timeout.Token;
        try
        {
            // A connection the client is still re-establishing in the background would only make this batch wait
            // for its timeout: start over, so a server that is down fails the batch at once.
            if (_connection is { ConnectionState: not NatsConnectionState.Open }) await DropConnectionAsync();
            var connection = _connection ?? await ConnectAsync(ct);
            if (_js is { } js)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var e = batch[i];
                    var ack = await js.PublishAsync(options.Subject, e.Utf8Json, Raw, new NatsJSPubOpts { MsgId = e.Id }, Headers(e), ct);
                    if (ack.Error is { } error)
                        throw new SinkDeliveryException($"{options.Display}: JetStream refused event {i + 1} of {batch.Count}: {error.Description} ({error.ErrCode})");
                }
            }
            else
            {
                for (var i = 0; i < batch.Count; i++)
                    await connection.PublishAsync(options.Subject, batch[i].Utf8Json, Headers(batch[i]), serializer: Raw, cancellationToken: ct);
                await connection.PingAsync(ct); // the server answers PONG only after it has read every PUB before it
            }
        }
        catch (Exception e) when (e is not SinkDeliveryException && !cancellationToken.IsCancellationRequested)
        {
            var waitedFor = _js is null ? "answer" : "acknowledge";
            await DropConnectionAsync();
            throw e is OperationCanceledException
                ? new SinkDeliveryException($"{options.Display} did not {waitedFor} within {options.Timeout.TotalSeconds:0.###} s (part of the batch may have been received)")
                : new SinkDeliveryException($"publish to {options.Display} failed: {Reason(e)}", e);
        }
        catch (SinkDeliveryException)
        {
            await DropConnectionAsync();
            throw;
        }
    }

    /// <summary>The client's message and, when it wraps one, the cause (the server's "Authorization Violation", a refused connection).</summary>
    private static string Reason(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message}: {inner.Message}" : e.Message;

    private static NatsHeaders Headers(SluiceEvent e) => new() { ["Nats-Msg-Id"] = e.Id, ["Sluice-Event"] = e.Name };

    private async ValueTask<NatsConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = options.ServerUrl,
            Name = $"sluice notify {blockName}",
            AuthOpts = new NatsAuthOpts { Username = options.User, Password = options.Password, Token = options.Token },
            ConnectTimeout = options.Timeout,
            RequestTimeout = options.Timeout,
            CommandTimeout = options.Timeout,
            PublishTimeoutOnDisconnected = true,
            Echo = false,
        });
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(ct);
            var js = options.JetStream == JetStreamMode.Off ? null : new NatsJSContext(connection);
            if (js is not null && await StreamOfAsync(js, ct) is null)
            {
                if (options.JetStream == JetStreamMode.On)
                    throw new SinkDeliveryException($"{options.Display}: no JetStream stream holds subject '{options.Subject}' (jetstream on)");
                js = null;
            }
            _connection = connection;
            _js = js;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The stream that captures the subject, or null when there is none or the server runs without JetStream.</summary>
    private async ValueTask<string?> StreamOfAsync(NatsJSContext js, CancellationToken ct)
    {
        try
        {
            await foreach (var name in js.ListStreamNamesAsync(options.Subject, ct)) return name;
            return null;
        }
        catch (NatsNoRespondersException)
        {
            return null; // no JetStream on this server
        }
        catch (NatsJSApiException e) when (e.Error.Code == 503)
        {
            return null; // JetStream disabled for this account
        }
    }

    private async ValueTask DropConnectionAsync()
    {
        var connection = _connection;
        _connection = null;
        _js = null;
        if (connection is not null) await connection.DisposeAsync();
    }

    public ValueTask DisposeAsync() => DropConnectionAsync();
}
