namespace Sluice.Sinks.Mail;

/// <summary>
/// Where mail goes: <c>smtp://[USER:PASS@]HOST[:PORT]</c> (port 25, STARTTLS when the server offers it)
/// or <c>smtps://...</c> (port 465, TLS from the first byte). <c>smtp://</c> alone is 127.0.0.1:25.
/// </summary>
public sealed record SmtpEndpoint(string Host, int Port, bool ImplicitTls, string? User, string? Password)
{
    public static readonly SmtpEndpoint Local = new("127.0.0.1", 25, false, null, null);

    public static bool IsSmtpSpec(string spec) =>
        spec.StartsWith("smtp://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("smtps://", StringComparison.OrdinalIgnoreCase);

    public static SmtpEndpoint? Parse(string spec, out string? error)
    {
        error = null;
        var implicitTls = spec.StartsWith("smtps://", StringComparison.OrdinalIgnoreCase);
        if (!implicitTls && !spec.StartsWith("smtp://", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{spec}' is not an smtp:// or smtps:// address";
            return null;
        }
        var rest = spec[(implicitTls ? 8 : 7)..].TrimEnd('/');
        string? user = null, password = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = rest[..at];
            rest = rest[(at + 1)..];
            var colon = credentials.IndexOf(':');
            user = Uri.UnescapeDataString(colon < 0 ? credentials : credentials[..colon]);
            password = colon < 0 ? "" : Uri.UnescapeDataString(credentials[(colon + 1)..]);
        }
        var port = implicitTls ? 465 : 25;
        var host = rest;
        var portAt = rest.LastIndexOf(':');
        if (portAt >= 0 && !rest.EndsWith(']'))
        {
            host = rest[..portAt];
            if (!int.TryParse(rest[(portAt + 1)..], out port) || port is < 1 or > 65535)
            {
                error = $"bad port in '{spec}'";
                return null;
            }
        }
        host = host.Trim('[', ']');
        if (host.Length == 0) host = "127.0.0.1";
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            error = $"bad host '{host}' in '{spec}'";
            return null;
        }
        return new SmtpEndpoint(host, port, implicitTls, user, password);
    }

    public override string ToString() => $"{(ImplicitTls ? "smtps" : "smtp")}://{Host}:{Port}";
}
