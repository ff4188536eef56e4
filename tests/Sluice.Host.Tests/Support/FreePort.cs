using System.Net;
using System.Net.Sockets;

namespace Sluice.Host.Tests.Support;

internal static class FreePort
{
    /// <summary>A loopback port the OS just handed out (free unless someone takes it first).</summary>
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
