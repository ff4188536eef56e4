using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// The last line of defence for secrets: every secret a configuration holds (API passwords, sign and
/// cluster keys, secret-looking options and key=value arguments, URL passwords and tokens) is replaced by
/// <see cref="SecretText.Mask"/> wherever it appears in text, on top of <see cref="SecretText.Redact"/>.
/// So a plugin or a script that prints its own options, or ffmpeg echoing an input URL, still leaks
/// nothing into the log or the diagnostics. Immutable; one per configuration.
/// </summary>
internal sealed class SecretScrubber
{
    /// <summary>Shorter values are masked only where they have the form of a secret (URL, key=value):
    /// replacing "abc" everywhere would garble every message.</summary>
    public const int MinLength = 4;

    public static readonly SecretScrubber None = new([]);

    private readonly string[] _secrets;

    private SecretScrubber(string[] secrets) => _secrets = secrets;

    public int Count => _secrets.Length;

    /// <summary>The secrets of a parsed configuration tree (includes already expanded).</summary>
    public static SecretScrubber From(IReadOnlyList<ConfigDirective> tree)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Collect(tree, found);
        // Longest first, so that a secret containing another is masked whole.
        return new SecretScrubber(found.Where(s => s.Length >= MinLength).OrderByDescending(s => s.Length).ToArray());
    }

    /// <summary>This scrubber's secrets and <paramref name="other"/>'s: after a reload the previous
    /// configuration's parts may still be logging while they stop.</summary>
    public SecretScrubber With(SecretScrubber other) =>
        other._secrets.All(_secrets.Contains) ? this
        : new SecretScrubber(_secrets.Union(other._secrets).OrderByDescending(s => s.Length).ToArray());

    public string Scrub(string? text)
    {
        var redacted = SecretText.Redact(text);
        foreach (var secret in _secrets)
        {
            if (redacted.Contains(secret, StringComparison.Ordinal)) redacted = redacted.Replace(secret, SecretText.Mask, StringComparison.Ordinal);
        }
        return redacted;
    }

    private static void Collect(IReadOnlyList<ConfigDirective> directives, HashSet<string> found)
    {
        foreach (var d in directives)
        {
            // view_auth USER PASSWORD: the user is a name, the rest is the secret.
            var secretFrom = d.Name.EndsWith("_auth", StringComparison.Ordinal) ? 1
                : IsSecretDirective(d.Name) ? 0
                : int.MaxValue;
            for (var i = 0; i < d.Arguments.Count; i++)
            {
                var a = d.Arguments[i];
                var secret = i >= secretFrom || (a.Key is { } key && SecretText.IsSecretName(key));
                foreach (var value in a.Values)
                {
                    if (secret) Add(found, value);
                    else InUrl(value, found);
                }
            }
            if (d.Block is { } block) Collect(block, found);
        }
    }

    private static bool IsSecretDirective(string name) =>
        name is "cluster_key" or "password" or "publish_password" || SecretText.IsSecretName(name);

    /// <summary>The password (or lone user, often a token) of a URL's userinfo and its secret query values.</summary>
    private static void InUrl(string value, HashSet<string> found)
    {
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return;
        var rest = value[(scheme + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        if (at > 0)
        {
            var info = authority[..at];
            var colon = info.IndexOf(':');
            Add(found, colon < 0 ? info : info[(colon + 1)..]);
        }
        var query = value.IndexOf('?');
        if (query < 0) return;
        foreach (var pair in value[(query + 1)..].Split('#')[0].Split('&', ';'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && SecretText.IsSecretName(pair[..eq])) Add(found, pair[(eq + 1)..]);
        }
    }

    private static void Add(HashSet<string> found, string secret)
    {
        if (secret.Length == 0) return;
        found.Add(secret);
        var escaped = Uri.EscapeDataString(secret);
        if (escaped != secret) found.Add(escaped);
        try
        {
            var unescaped = Uri.UnescapeDataString(secret);
            if (unescaped != secret) found.Add(unescaped);
        }
        catch (UriFormatException) { }
    }
}
