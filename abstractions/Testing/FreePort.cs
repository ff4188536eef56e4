using System.Net;
using System.Net.Sockets;

namespace Sluice.Testing;

/// <summary>Ports on loopback that nothing listens on right now.</summary>
public static class FreePort
{
    /// <summary>A free TCP port on <paramref name="address"/> (127.0.0.1 by default).</summary>
    public static int Tcp(IPAddress? address = null)
    {
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A free UDP port on <paramref name="address"/> (127.0.0.1 by default).</summary>
    public static int Udp(IPAddress? address = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
