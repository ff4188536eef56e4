using System.Text.RegularExpressions;

namespace Sluice.Abstractions.Configuration;

/// <summary>
/// Hides credentials in text that people see (logs, API answers, <c>sluice check</c>): the password of
/// a URL's userinfo (<c>smtp://user:***@host</c>; a user alone, often a token, becomes <c>***</c>) and the
/// value of every secret-looking <c>key=value</c> (<c>?token=***</c>, <c>password=***</c>). Use it wherever
/// a sink spec, input URL or error that may quote one is shown; the spec itself stays intact for use.
/// </summary>
public static partial class SecretText
{
    /// <summary>What a hidden secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary><paramref name="text"/> with every URL userinfo and secret-looking key=value value masked.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var hasUrl = text.Contains("://", StringComparison.Ordinal);
        var hasPair = text.Contains('=');
        if (!hasUrl && !hasPair) return text;
        if (hasUrl) text = UserInfo().Replace(text, m =>
        {
            var info = m.Groups["info"].Value;
            var colon = info.IndexOf(':');
            return m.Groups["scheme"].Value + (colon < 0 ? Mask : info[..colon] + ":" + Mask) + "@";
        });
        if (hasPair)
        {
            text = Pair().Replace(text, m =>
                IsSecretName(m.Groups["key"].Value) && !IsPlaceholder(m.Groups["value"].Value) ? m.Groups["key"].Value + "=" + Mask : m.Value);
        }
        return text;
    }

    /// <summary>
    /// True for names that hold secrets: a part (split on <c>_ - .</c>) such as <c>token</c>, <c>password</c>,
    /// <c>pass</c>, <c>pwd</c>, <c>secret</c>, <c>key</c>, <c>sig</c>, <c>signature</c>, <c>auth</c>,
    /// <c>credentials</c>, <c>session</c>, or one ending in token, key, secret or password
    /// (<c>access_token</c>, <c>apikey</c>, <c>sign_key</c>, <c>X-Auth-Token</c>).
    /// </summary>
    public static bool IsSecretName(string name)
    {
        foreach (var range in name.AsSpan().SplitAny("_-."))
        {
            var part = name.AsSpan()[range];
            if (part.Length == 0) continue;
            foreach (var whole in WholeParts)
                if (part.Equals(whole, StringComparison.OrdinalIgnoreCase)) return true;
            foreach (var suffix in Suffixes)
                if (part.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Usage text ("expects key=value pairs", "?token=TOKEN") shows placeholders, not secrets.</summary>
    private static bool IsPlaceholder(string value) =>
        value.TrimEnd(')', ',', '.', ';', ':') is "" or Mask or "value" or "values" or "VALUE" or "KEY" or "TOKEN" or "SECRET" or "PASSWORD" or "PASS";

    private static readonly string[] WholeParts = ["pass", "pwd", "sig", "signature", "auth", "authorization", "credential", "credentials", "session", "sessionid", "sid"];
    private static readonly string[] Suffixes = ["token", "key", "secret", "password", "passwd"];

    /// <summary><c>scheme://USERINFO@</c>: userinfo up to the last '@' before the host (passwords may hold '@').</summary>
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?<info>[^\s/?#'""<>\[\]]+)@")]
    private static partial Regex UserInfo();

    /// <summary><c>key=value</c> in a query string or in text (<c>?token=x&amp;</c>, <c>password=x</c>).</summary>
    [GeneratedRegex(@"(?<=^|[?&;\s'""(,])(?<key>[A-Za-z0-9_.\-]+)=(?<value>[^&\s#'""]*)")]
    private static partial Regex Pair();
}
