using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.MpegTs;

/// <summary>
/// Receives MPEG-TS datagrams into one pooled buffer and demuxes them. UDP has no end: this runs
/// until cancelled (or a socket error); silence is the stream's timeout to judge.
/// </summary>
internal sealed class UdpSource(UdpSettings settings, ILogger logger) : IMediaSource
{
    private const int MaxDatagram = 65536;

    private Socket? _socket;

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        using var socket = Open();
        _socket = socket;
        using var demuxer = new TsDemuxer(output);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        try
        {
            var connected = false;
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(0, MaxDatagram), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (received == 0) continue;
                if (!connected)
                {
                    connected = true;
                    output.Connected();
                }
                demuxer.Feed(RtpPayload.Strip(buffer.AsSpan(0, received)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        return ValueTask.CompletedTask;
    }

    private Socket Open()
    {
        var socket = new Socket(settings.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = settings.ReceiveBuffer;  // the kernel caps it at net.core.rmem_max
            if (settings.IsMulticast)
            {
                // Several listeners (and other groups) may share the port; binding the group address
                // keeps datagrams of other groups on the same port out (Linux semantics).
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(OperatingSystem.IsWindows() ? AnyOf(settings.Address) : settings.Address, settings.Port));
                Join(socket);
            }
            else
            {
                socket.Bind(new IPEndPoint(settings.Address, settings.Port));
            }
            logger.LogDebug("udp: listening on {Address}:{Port}{Multicast}, receive buffer {Buffer} bytes", settings.Address, settings.Port,
                settings.IsMulticast ? $" (joined{(settings.Interface is null ? "" : " on " + settings.Interface)})" : "", socket.ReceiveBufferSize);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Join(Socket socket)
    {
        if (settings.Address.AddressFamily == AddressFamily.InterNetwork)
        {
            var option = settings.InterfaceAddressV4() is { } local
                ? new MulticastOption(settings.Address, local)
                : new MulticastOption(settings.Address);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, option);
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership,
                new IPv6MulticastOption(settings.Address, settings.InterfaceIndexV6()));
        }
    }

    private static IPAddress AnyOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
