using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Sluice.Protocols.Rtmp.Commands;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Server;

/// <summary>
/// One client of an rtmp/rtmps listener: TLS (rtmps), handshake and <c>connect</c> within the handshake
/// timeout, then one loop reading messages and handing them to the command handlers
/// (ServerConnection.Commands.cs), the publication (PublishSession) or nothing. A protocol error, a
/// limit or malformed AMF closes this connection with the reason logged; nothing a client sends can end
/// anything else. Timers come from the host's clock, so tests advance a fake one.
/// </summary>
internal sealed partial class ServerConnection
{
    private readonly Socket _socket;
    private readonly RtmpHost _host;
    private readonly SslStreamCertificateContext? _tls;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _closed = new();
    private RtmpTransport? _transport;
    private string? _abortReason;
    private bool _connected;
    private uint _nextStreamId;

    public ServerConnection(Socket socket, RtmpHost host, SslStreamCertificateContext? tls, ILogger log)
    {
        _socket = socket;
        _host = host;
        _tls = tls;
        _log = log;
        Ip = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "unknown";
        if (Ip.StartsWith("::ffff:", StringComparison.Ordinal)) Ip = Ip[7..];
    }

    public string Ip { get; }

    internal int PlayQueueFrames => _host.PlayQueueFrames;

    /// <summary><c>rtmp</c> or <c>rtmps</c>: what sessions and events call the protocol.</summary>
    public string Protocol => _tls is null ? "rtmp" : "rtmps";

    /// <summary>Closes the connection from outside (server stopping, publication ended, timeout).</summary>
    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        _closed.Cancel();
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _socket.Dispose();
    }

    /// <summary>The whole life of the connection; never throws.</summary>
    public async Task RunAsync()
    {
        var reason = "closed by the client";
        using var handshakeTimer = _host.Time.CreateTimer(_ => Abort("handshake or connect not completed in time"), null,
            _host.Limits.HandshakeTimeout, Timeout.InfiniteTimeSpan);
        using var watchdog = _host.Time.CreateTimer(_ => CheckSend(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        try
        {
            Stream stream = new NetworkStream(_socket, ownsSocket: false);
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _tls }, _closed.Token);
                stream = ssl;
            }
            _transport = new RtmpTransport(stream, _host.Limits);
            await _transport.AcceptHandshakeAsync(_closed.Token);
            while (true)
            {
                var message = await _transport.ReadAsync(_closed.Token);
                if (message is not { } m) break;
                await HandleAsync(m);
                if (_connected) handshakeTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
        catch (RtmpProtocolException e)
        {
            reason = e.Message;
            _log.LogWarning("{Protocol} client {Ip}: closing the connection: {Reason}", Protocol, Ip, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                      or AuthenticationException or InvalidOperationException)
        {
            reason = _abortReason ?? (e is AuthenticationException ? "TLS handshake failed: " + e.Message : "connection lost");
            if (_abortReason is not null && !_connected) _log.LogInformation("{Protocol} client {Ip}: {Reason}", Protocol, Ip, reason);
            else _log.LogDebug("{Protocol} client {Ip}: {Reason} ({Error})", Protocol, Ip, reason, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reason = "internal error";
            _log.LogError(e, "{Protocol} client {Ip}: the connection failed", Protocol, Ip);
        }
        finally
        {
            await EndStreamsAsync(reason);
            _closed.Cancel();
            if (_transport is not null) await _transport.DisposeAsync();
            _socket.Dispose();
            _closed.Dispose();
        }
    }

    /// <summary>A peer whose writes stopped draining (a player that went away without closing) is cut off.</summary>
    private void CheckSend()
    {
        var started = _transport?.FlushStartedMs ?? 0;
        if (started != 0 && Environment.TickCount64 - started > (long)_host.SendTimeout.TotalMilliseconds)
            Abort($"the client took no data for {_host.SendTimeout.TotalSeconds:0} s");
    }

    private async ValueTask HandleAsync(RtmpMessage message)
    {
        switch (message.Type)
        {
            case MessageType.CommandAmf0 or MessageType.CommandAmf3:
                var command = Command.Parse(message.Type, message.Payload.Span);
                if (!_connected && command.Name != "connect")
                    throw new RtmpProtocolException($"'{Sanitize(command.Name)}' before 'connect'");
                await HandleCommandAsync(message.StreamId, command);
                break;
            case MessageType.DataAmf0 or MessageType.DataAmf3:
                _publish?.OnData(message);
                break;
            case MessageType.Audio or MessageType.Video:
                _publish?.OnMedia(message.Type, message.Timestamp, message.Payload.Span);
                break;
            case MessageType.Aggregate:
                if (_publish is not null) Aggregate.Split(message, _publish);
                break;
        }
    }

    /// <summary>Command names are client text: kept printable and short in logs.</summary>
    internal static string Sanitize(string text)
    {
        var s = new string(text.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > 64 ? s + "..." : s;
    }
}
