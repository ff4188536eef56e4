using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Host.Api;

/// <summary>
/// Who may use the API: <c>api_allowed_from</c> limits it by source address, <c>view_auth</c>
/// protects reads and <c>edit_auth</c> writes (HTTP Basic). Immutable; rebuilt on reload.
/// </summary>
internal sealed record ApiAccessPolicy(
    (string User, string Password)? ViewAuth,
    (string User, string Password)? EditAuth,
    IReadOnlyList<IPNetwork> AllowedFrom)
{
    public static readonly ApiAccessPolicy Open = new(null, null, []);

    public bool IsAddressAllowed(IPAddress? address)
    {
        if (AllowedFrom.Count == 0) return true;
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var net in AllowedFrom)
        {
            if (net.Contains(address)) return true;
        }
        return false;
    }

    /// <summary>
    /// Reads need view or edit credentials when <c>view_auth</c> is set; writes need edit credentials
    /// when <c>edit_auth</c> is set. Without the matching directive the request is open.
    /// </summary>
    public bool IsAuthorized(bool write, string? authorizationHeader)
    {
        var credentials = ParseBasic(authorizationHeader);
        if (write)
        {
            return EditAuth is null || Matches(credentials, EditAuth.Value);
        }
        if (ViewAuth is null) return true;
        return Matches(credentials, ViewAuth.Value) || (EditAuth is { } edit && Matches(credentials, edit));
    }

    private static (string User, string Password)? ParseBasic(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':');
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool Matches((string User, string Password)? given, (string User, string Password) expected) =>
        given is { } g
        && FixedTimeEquals(g.User, expected.User)
        && FixedTimeEquals(g.Password, expected.Password);

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
