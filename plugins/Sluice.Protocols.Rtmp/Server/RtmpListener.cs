using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Protocols;
using Sluice.Abstractions.Security;

namespace Sluice.Protocols.Rtmp.Server;

/// <summary>
/// One <c>rtmp</c> or <c>rtmps</c> port: accepts connections and runs each on its own until it ends;
/// disposing stops accepting and closes every connection it accepted.
/// </summary>
internal sealed class RtmpListener(IPEndPoint endPoint, RtmpHost host, ServerCertificate? certificate, ILogger log) : IProtocolListener
{
    private readonly ConcurrentDictionary<ServerConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SslStreamCertificateContext? _tls = certificate?.CreateContext();
    private Socket? _socket;
    private Task _accepting = Task.CompletedTask;

    /// <summary>Connections open now, for tests.</summary>
    public int Connections => _connections.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.Bind(endPoint);
            socket.Listen(1024);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _accepting = AcceptAsync(socket, _stop.Token);
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(Socket listening, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listening.AcceptAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                log.LogWarning("{Protocol}://{EndPoint}: accept failed: {Error}", _tls is null ? "rtmp" : "rtmps", endPoint, e.Message);
                continue;
            }
            client.NoDelay = true;
            var connection = new ServerConnection(client, host, _tls, log);
            _connections[connection] = Task.CompletedTask;
            _connections[connection] = Run(connection);
        }
    }

    private async Task Run(ServerConnection connection)
    {
        await Task.Yield(); // off the accept loop
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket?.Dispose();
        await _accepting;
        foreach (var c in _connections.Keys) c.Abort("the server stops listening on this port");
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            log.LogWarning("{EndPoint}: {Count} RTMP connections did not close in time", endPoint, _connections.Count);
        }
        certificate?.Dispose();
        _stop.Dispose();
    }
}
