using System.Net;
using System.Net.Sockets;

namespace Sluice.Sdk.Tests.Support;

internal static class FreePort
{
    /// <summary>A loopback port the OS just handed out (free unless someone takes it first).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
