using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Sluice.Media.Amf;
using Sluice.Protocols.Rtmp.Commands;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Client;

/// <summary>
/// The client side of RTMP, for push and pull: TCP (and TLS for rtmps), the handshake, <c>connect</c>,
/// <c>createStream</c>, then <c>publish</c> or <c>play</c>, each answer awaited. After that the caller
/// writes media through <see cref="Transport"/> (push) or reads it with <see cref="ReadAsync"/> (pull).
/// </summary>
internal sealed class RtmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private double _transaction = 1;

    private RtmpClient(Socket socket, RtmpTransport transport, RtmpUrl url)
    {
        _socket = socket;
        Transport = transport;
        Url = url;
    }

    public RtmpTransport Transport { get; }

    public RtmpUrl Url { get; }

    /// <summary>Connects, shakes hands and sends <c>connect</c>; throws with the server's reason when refused.</summary>
    public static async Task<RtmpClient> ConnectAsync(RtmpUrl url, RtmpLimits limits, X509Certificate2Collection? trust, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RtmpTransport? transport = null;
        try
        {
            await socket.ConnectAsync(url.Host, url.Port, cancellationToken);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (url.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                var options = new SslClientAuthenticationOptions { TargetHost = url.Host };
                if (trust is { Count: > 0 })
                {
                    options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
                    options.CertificateChainPolicy.CustomTrustStore.AddRange(trust);
                }
                await ssl.AuthenticateAsClientAsync(options, cancellationToken);
                stream = ssl;
            }
            transport = new RtmpTransport(stream, limits);
            await transport.ConnectHandshakeAsync(cancellationToken);
            var client = new RtmpClient(socket, transport, url);
            await transport.SendConnectionSettingsAsync(server: false, cancellationToken);
            var connect = new AmfObject()
                .Set("app", url.App).Set("type", "nonprivate").Set("flashVer", "FMLE/3.0 (compatible; Sluice)")
                .Set("tcUrl", url.TcUrl).Set("fpad", false).Set("capabilities", 15.0).Set("audioCodecs", 3575.0)
                .Set("videoCodecs", 252.0).Set("videoFunction", 1.0).Set("objectEncoding", 0.0)
                .Set("fourCcList", new object?[] { "avc1", "hvc1", "av01" });
            var result = await client.CallAsync("connect", connect, [], cancellationToken);
            if (result.Name != "_result") throw new IOException($"{url.Display} refused the connection: {Describe(result)}");
            return client;
        }
        catch
        {
            if (transport is not null) await transport.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }

    /// <summary><c>releaseStream</c>/<c>FCPublish</c> (for publishing, as encoders send them), then <c>createStream</c>: the message stream id.</summary>
    public async Task<uint> CreateStreamAsync(bool forPublishing, CancellationToken cancellationToken)
    {
        if (forPublishing)
        {
            await Transport.SendCommandAsync(0, "releaseStream", _transaction++, null, Url.Stream);
            await Transport.SendCommandAsync(0, "FCPublish", _transaction++, null, Url.Stream);
        }
        var result = await CallAsync("createStream", null, [], cancellationToken);
        if (result.Name != "_result" || result.NumberArgument(0) is not { } id) throw new IOException($"{Url.Display}: createStream failed: {Describe(result)}");
        return (uint)id;
    }

    /// <summary><c>publish</c>, waiting for NetStream.Publish.Start.</summary>
    public async Task PublishAsync(uint streamId, CancellationToken cancellationToken)
    {
        await Transport.SendCommandAsync(streamId, "publish", 0.0, null, Url.Stream, "live");
        await AwaitStatusAsync(Status.PublishStart, cancellationToken);
    }

    /// <summary><c>play</c> (live), waiting for NetStream.Play.Start.</summary>
    public async Task PlayAsync(uint streamId, CancellationToken cancellationToken)
    {
        await Transport.SendCommandAsync(streamId, "play", 0.0, null, Url.Stream, -1000.0);
        await Transport.SendAsync(ChunkStreams.Control, MessageType.UserControl, 0, 0, ControlMessages.SetBufferLength(streamId, 3000), cancellationToken);
        await AwaitStatusAsync(Status.PlayStart, cancellationToken);
    }

    /// <summary>The next message after the handshake and commands (media, data, commands such as onStatus).</summary>
    public ValueTask<RtmpMessage?> ReadAsync(CancellationToken cancellationToken) => Transport.ReadAsync(cancellationToken);

    private async Task<Command> CallAsync(string name, AmfObject? obj, object?[] args, CancellationToken cancellationToken)
    {
        var transaction = _transaction++;
        await Transport.SendCommandAsync(0, [name, transaction, obj, .. args]);
        while (true)
        {
            var command = await NextCommandAsync(cancellationToken);
            if (command.Name is "_result" or "_error" && command.TransactionId == transaction) return command;
        }
    }

    private async Task AwaitStatusAsync(string code, CancellationToken cancellationToken)
    {
        while (true)
        {
            var command = await NextCommandAsync(cancellationToken);
            if (command.Name != "onStatus") continue;
            var status = command.ObjectArgument(0);
            var got = status?.String("code");
            if (got == code) return;
            if (status?.String("level") == "error") throw new IOException($"{Url.Display}: {got}: {status.String("description")}");
        }
    }

    private async Task<Command> NextCommandAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await Transport.ReadAsync(cancellationToken) ?? throw new IOException($"{Url.Display} closed the connection");
            if (message.Type is MessageType.CommandAmf0 or MessageType.CommandAmf3) return Command.Parse(message.Type, message.Payload.Span);
        }
    }

    private static string Describe(Command c) =>
        c.ObjectArgument(0) is { } info ? $"{info.String("code")}: {info.String("description")}" : c.Name;

    /// <summary>Closes the connection at once (from any thread): pending reads and writes fail.</summary>
    public void Abort()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await Transport.DisposeAsync();
    }
}
