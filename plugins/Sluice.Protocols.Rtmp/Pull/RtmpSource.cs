using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Streams;
using Sluice.Media.Flv;
using Sluice.Protocols.Rtmp.Client;
using Sluice.Protocols.Rtmp.Commands;
using Sluice.Protocols.Rtmp.Server;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Pull;

/// <summary>
/// One attempt at playing an rtmp:// input: connect, play, then the media messages through an
/// <see cref="FlvDemuxer"/> into the stream. It ends when the server ends the stream or the connection;
/// the stream decides about retries and timeouts. Connecting and the first answers must come within 10 s.
/// </summary>
internal sealed class RtmpSource(RtmpUrl url, X509Certificate2Collection? trust, RtmpHost host, ILogger log) : IMediaSource
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        RtmpClient client;
        using (var connecting = new CancellationTokenSource(ConnectTimeout, host.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connecting.Token))
        {
            try
            {
                client = await RtmpClient.ConnectAsync(url, host.Limits, trust, linked.Token);
            }
            catch (OperationCanceledException) when (connecting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{url.Display}: no connection within {ConnectTimeout.TotalSeconds:0} s");
            }
            try
            {
                var id = await client.CreateStreamAsync(forPublishing: false, linked.Token);
                await client.PlayAsync(id, linked.Token);
            }
            catch (OperationCanceledException) when (connecting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await client.DisposeAsync();
                throw new TimeoutException($"{url.Display}: no answer to play within {ConnectTimeout.TotalSeconds:0} s");
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }
        await using var _ = client;
        using var stop = cancellationToken.Register(static c => ((RtmpClient)c!).Abort(), client);
        output.Connected();
        var demuxer = new FlvDemuxer(output);
        var sink = new DemuxSink(demuxer);
        try
        {
            while (await client.ReadAsync(cancellationToken) is { } message)
            {
                switch (message.Type)
                {
                    case MessageType.Audio or MessageType.Video:
                        demuxer.Feed(message.Type, message.Timestamp, message.Payload.Span);
                        break;
                    case MessageType.DataAmf0 or MessageType.DataAmf3:
                        demuxer.Feed(FlvTagType.Script, message.Timestamp, DataMessage.Amf0Of(message.Type, message.Payload.Span));
                        break;
                    case MessageType.Aggregate:
                        Aggregate.Split(message, sink);
                        break;
                    case MessageType.CommandAmf0 or MessageType.CommandAmf3:
                        if (Ended(Command.Parse(message.Type, message.Payload.Span))) return;
                        break;
                }
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        log.LogInformation("{Url}: the server closed the connection", url.Display);
    }

    /// <summary>The server says the stream is over (unpublished, stopped).</summary>
    private bool Ended(Command command)
    {
        if (command.Name != "onStatus" || command.ObjectArgument(0)?.String("code") is not { } code) return false;
        if (code is not (Status.PlayUnpublishNotify or Status.PlayStop or "NetStream.Play.Complete")) return false;
        log.LogInformation("{Url}: {Code}", url.Display, code);
        return true;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class DemuxSink(FlvDemuxer demuxer) : IMediaSink
    {
        public void OnMedia(byte type, long timestampMs, ReadOnlySpan<byte> body) => demuxer.Feed(type, timestampMs, body);
    }
}
