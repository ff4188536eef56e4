using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sluice.Host.Configuration;

/// <summary>The address forms of the core directives: listen endpoints and allowed networks.</summary>
internal static class NetworkSyntax
{
    /// <summary>
    /// <c>PORT</c> (every IPv4 address), <c>A.B.C.D:PORT</c> or <c>[IPV6]:PORT</c>; port 1-65535.
    /// Host names are not accepted: a listener binds an address.
    /// </summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Any, 0);
        string addressPart, portPart;
        IPAddress address;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0) { error = $"expected [IPV6]:PORT, got '{text}'"; return false; }
            addressPart = text[1..close];
            portPart = text[(close + 2)..];
            if (!IPAddress.TryParse(addressPart, out address!) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{addressPart}' is not an IPv6 address";
                return false;
            }
        }
        else if (text.LastIndexOf(':') is var colon and >= 0)
        {
            addressPart = text[..colon];
            portPart = text[(colon + 1)..];
            if (!TryParseIPv4(addressPart, out address))
            {
                error = addressPart.Contains(':')
                    ? $"write an IPv6 address in brackets: [{addressPart}]:{portPart}"
                    : $"'{addressPart}' is not an IPv4 address (write A.B.C.D:PORT, [IPV6]:PORT or PORT)";
                return false;
            }
        }
        else
        {
            address = IPAddress.Any;
            portPart = text;
        }
        if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"port must be a number between 1 and 65535, got '{portPart}'";
            return false;
        }
        endpoint = new IPEndPoint(address, port);
        error = "";
        return true;
    }

    /// <summary>
    /// A network as Flussonic writes them: CIDR (<c>10.0.0.0/8</c>, <c>fd00::/8</c>), a short IPv4 prefix
    /// padded with zeros (<c>10/8</c>, <c>192.168/16</c>) or a single address (<c>127.0.0.1</c>, <c>::1</c>).
    /// </summary>
    public static bool TryParseNetwork(string text, out IPNetwork network, out string error)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressPart = slash < 0 ? text : text[..slash];
        var v6 = addressPart.Contains(':');
        var maxPrefix = v6 ? 128 : 32;
        IPAddress address;
        if (v6)
        {
            if (!IPAddress.TryParse(addressPart, out address!) || address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId != 0)
            {
                error = $"'{text}' is not a network: '{addressPart}' is not an IPv6 address";
                return false;
            }
        }
        else
        {
            var parts = addressPart.Split('.');
            if (parts.Length > 4 || !TryOctets(parts, out var bytes))
            {
                error = $"'{text}' is not a network (write A.B.C.D/N, a short form such as 10/8 or 192.168/16, or an address)";
                return false;
            }
            if (parts.Length < 4 && slash < 0)
            {
                error = $"'{text}' is a partial address: add the prefix length, e.g. {addressPart}/{parts.Length * 8}";
                return false;
            }
            address = new IPAddress(bytes);
        }
        var prefix = maxPrefix;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > maxPrefix))
        {
            error = $"'{text}' has a bad prefix length: expected 0 to {maxPrefix}";
            return false;
        }
        var masked = Mask(address, prefix);
        if (!masked.Equals(address))
        {
            error = $"'{text}' has address bits set beyond /{prefix}; did you mean {masked}/{prefix}?";
            return false;
        }
        network = new IPNetwork(address, prefix);
        error = "";
        return true;
    }

    private static bool TryParseIPv4(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var parts = text.Split('.');
        if (parts.Length != 4 || !TryOctets(parts, out var bytes)) return false;
        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>Up to four decimal octets, zero-padded to four bytes.</summary>
    private static bool TryOctets(string[] parts, out byte[] bytes)
    {
        bytes = new byte[4];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length is 0 or > 3 || !byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i])) return false;
        }
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }
}
