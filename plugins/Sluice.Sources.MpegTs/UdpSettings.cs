using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.MpegTs;

/// <summary>
/// Where to listen: <c>udp://ADDR:PORT</c> (<c>udp://@ADDR:PORT</c> as ffmpeg and VLC write it is
/// accepted too). A multicast ADDR (224.0.0.0/4, ff00::/8) is joined on the interface named by
/// <c>iface</c> (an address or an interface name; the system's choice when absent).
/// </summary>
internal sealed record UdpSettings(IPAddress Address, int Port, string? Interface, int ReceiveBuffer)
{
    public const int DefaultReceiveBuffer = 8 << 20;

    public bool IsMulticast => IsMulticastAddress(Address);

    public const long MinReceiveBuffer = 64 * 1024;
    public const long MaxReceiveBuffer = 256 << 20;

    /// <summary>The settings of an input; problems are reported where they were written and give null.</summary>
    public static UdpSettings? Bind(SourceContext context)
    {
        var diag = context.Diagnostics;
        var ok = true;
        var host = context.Url.Host.Trim('[', ']');
        if (host.Length == 0 || !IPAddress.TryParse(host, out var address))
        {
            context.Error($"{context.Spec}: expected udp://ADDRESS:PORT with an IP address (0.0.0.0 listens on all)");
            address = IPAddress.Any;
            ok = false;
        }
        if (context.Url.Port is <= 0 or > 65535)
        {
            context.Error($"{context.Spec}: a port is required (udp://ADDRESS:PORT)");
            ok = false;
        }
        var buffer = (int)DefaultReceiveBuffer;
        if (context.OptionOrQuery("buffer") is { } b)
        {
            if (b.Size(diag, 0, "a receive buffer size") is not { } size) ok = false;
            else if (size is < MinReceiveBuffer or > MaxReceiveBuffer)
            {
                diag.Error(b.Location, $"option buffer={b.Arguments[0].Value}: expected a size from 64K to 256M");
                ok = false;
            }
            else buffer = (int)size;
        }
        var iface = context.OptionOrQuery("iface") ?? context.OptionOrQuery("interface");
        return ok ? new UdpSettings(address!, context.Url.Port, iface?.Arguments[0].Value, buffer) : null;
    }

    public static bool IsMulticastAddress(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => (address.GetAddressBytes()[0] & 0xF0) == 0xE0,
        AddressFamily.InterNetworkV6 => address.IsIPv6Multicast,
        _ => false,
    };

    /// <summary>The IPv4 address of the join interface, or null to let the system choose.</summary>
    public IPAddress? InterfaceAddressV4()
    {
        if (Interface is null) return null;
        if (IPAddress.TryParse(Interface, out var literal)) return literal;
        var nic = FindInterface(Interface);
        return nic.GetIPProperties().UnicastAddresses.Select(u => u.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
               ?? throw new InvalidOperationException($"interface {Interface} has no IPv4 address");
    }

    /// <summary>The IPv6 interface index for the join, or 0 to let the system choose.</summary>
    public int InterfaceIndexV6()
    {
        if (Interface is null) return 0;
        if (int.TryParse(Interface, out var index)) return index;
        if (IPAddress.TryParse(Interface, out var literal))
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .FirstOrDefault(n => n.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(literal)))
                ?.GetIPProperties().GetIPv6Properties().Index
                ?? throw new InvalidOperationException($"no interface has the address {Interface}");
        }
        return FindInterface(Interface).GetIPProperties().GetIPv6Properties().Index;
    }

    private static NetworkInterface FindInterface(string name) =>
        NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name)
        ?? throw new InvalidOperationException($"no network interface named {name}");
}
