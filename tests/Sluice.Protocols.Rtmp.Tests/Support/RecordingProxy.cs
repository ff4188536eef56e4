using System.Net;
using System.Net.Sockets;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of a server that records what its client sends: a real client's capture
/// (handshake, chunks, AMF commands, media) for mutation.
/// </summary>
internal sealed class RecordingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly MemoryStream _recorded = new();
    private readonly int _target;
    private readonly Task _run;

    public RecordingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _run = RunAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public byte[] Recorded { get { lock (_recorded) return _recorded.ToArray(); } }

    private async Task RunAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync();
            using var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _target);
            var up = PumpAsync(client.GetStream(), server.GetStream(), record: true);
            var down = PumpAsync(server.GetStream(), client.GetStream(), record: false);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException) { }
    }

    private async Task PumpAsync(Stream from, Stream to, bool record)
    {
        var buffer = new byte[64 << 10];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer)) > 0)
            {
                if (record) lock (_recorded) _recorded.Write(buffer, 0, n);
                await to.WriteAsync(buffer.AsMemory(0, n));
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _run;
    }
}
