using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Host.Api;

/// <summary>What the access policy says about one request.</summary>
internal enum ApiVerdict
{
    Allowed,
    /// <summary>401: credentials missing or wrong.</summary>
    NeedsCredentials,
    /// <summary>403: a write from another machine while no <c>edit_auth</c> is set.</summary>
    LoopbackOnly,
}

/// <summary>
/// Who may use the API: <c>api_allowed_from</c> limits it by source address, <c>view_auth</c>
/// protects reads and <c>edit_auth</c> writes (HTTP Basic). Writes are never open to the network:
/// without <c>edit_auth</c> only loopback clients may write (with the <c>view_auth</c> credentials
/// when that is set). Immutable; rebuilt on reload.
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
    /// Reads need view or edit credentials when <c>view_auth</c> is set, and are open otherwise. Writes
    /// need the edit credentials when <c>edit_auth</c> is set; without it they are unauthenticated, so
    /// they are taken only from this machine, and with <c>view_auth</c> set they need at least its credentials.
    /// </summary>
    public ApiVerdict Authorize(bool write, string? authorizationHeader, IPAddress? remote)
    {
        var credentials = ParseBasic(authorizationHeader);
        if (!write)
        {
            if (ViewAuth is not { } view) return ApiVerdict.Allowed;
            return Matches(credentials, view) || (EditAuth is { } e && Matches(credentials, e)) ? ApiVerdict.Allowed : ApiVerdict.NeedsCredentials;
        }
        if (EditAuth is { } edit) return Matches(credentials, edit) ? ApiVerdict.Allowed : ApiVerdict.NeedsCredentials;
        if (!IsLoopback(remote)) return ApiVerdict.LoopbackOnly;
        if (ViewAuth is { } v && !Matches(credentials, v)) return ApiVerdict.NeedsCredentials;
        return ApiVerdict.Allowed;
    }

    /// <summary>The warning the host logs when writes are unauthenticated (no <c>edit_auth</c>), or null.</summary>
    public string? UnauthenticatedWritesWarning => EditAuth is not null ? null
        : "no edit_auth: API writes (POST /api/v1/events, /api/v1/config/reload, /api/v1/streams/NAME/stop) are unauthenticated; "
          + (ViewAuth is null ? "they are accepted from loopback clients only" : "they are accepted from loopback clients with the view_auth credentials only")
          + "; set edit_auth USER PASSWORD; to allow them from the network";

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

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
