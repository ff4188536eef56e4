using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Http;

/// <summary>How a batch is signed: the spec's <c>X-Signature</c> (SHA1 of body + key) or Standard Webhooks.</summary>
internal enum SignScheme { Sha1, StandardWebhooks }

/// <summary>What an HTTP sink is told by its notify block.</summary>
internal sealed record HttpSinkOptions(Uri Url, TimeSpan Timeout, CaFileTrust? Trust, byte[]? SignKey)
{
    /// <summary>Options the sink consumes; every other block option becomes a query parameter.</summary>
    public static readonly string[] OwnOptions = ["timeout", "ca_file", "sign_scheme"];

    public SignScheme Scheme { get; init; }

    /// <summary>The decoded <c>whsec_</c> secrets (Standard Webhooks), one per <c>sign_key</c> line.</summary>
    public IReadOnlyList<byte[]> WebhookSecrets { get; init; } = [];

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Binds the options; problems go to <paramref name="diagnostics"/> (null when none expected).</summary>
    public static HttpSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var ok = true;
        if (!Uri.TryCreate(context.Spec, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            diagnostics?.Error(context.Location, $"'{context.Spec}' is not an http:// or https:// URL");
            ok = false;
        }
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        CaFileTrust? trust = null;
        if (SinkOptions.Find(context, "ca_file") is { } ca)
        {
            var path = SinkPaths.Resolve(context.ConfigDirectory, ca.Arguments.Count > 0 ? ca.Arguments[0].Value : "");
            trust = CaFileTrust.Load(path, out var error);
            if (trust is null) { diagnostics?.Error(ca.Location, error!); ok = false; }
            else if (url?.Scheme == "http") diagnostics?.Warning(ca.Location, "'ca_file' has no effect on an http:// sink");
        }
        var scheme = SignScheme.Sha1;
        var secrets = new List<byte[]>();
        if (SinkOptions.Find(context, "sign_scheme") is { } schemeLine)
        {
            var name = schemeLine.Arguments.Count == 1 ? schemeLine.Arguments[0].Value : "";
            if (name == "standard-webhooks") scheme = SignScheme.StandardWebhooks;
            else if (name is not ("sha1" or "x-signature"))
            {
                diagnostics?.Error(schemeLine.Location, $"'sign_scheme' expects standard-webhooks or sha1 (the default: X-Signature), got '{name}'");
                ok = false;
            }
            if (scheme == SignScheme.StandardWebhooks)
            {
                if (context.SignKeys.Count == 0)
                {
                    diagnostics?.Error(schemeLine.Location, "'sign_scheme standard-webhooks' needs a secret: sign_key whsec_...;");
                    ok = false;
                }
                for (var i = 0; i < context.SignKeys.Count; i++)
                {
                    if (StandardWebhooks.DecodeSecret(context.SignKeys[i]) is { } secret) secrets.Add(secret);
                    else
                    {
                        // Never echo the key.
                        diagnostics?.Error(schemeLine.Location, $"sign_key #{i + 1} is not a Standard Webhooks secret (whsec_ followed by base64)");
                        ok = false;
                    }
                }
            }
        }
        if (scheme == SignScheme.Sha1 && context.SignKeys.Count > 1)
            diagnostics?.Warning(context.Location, "several sign_key lines: X-Signature is signed with the first only (sign_scheme standard-webhooks; signs with each)");
        if (!ok || url is null) return null;
        var signKey = scheme == SignScheme.Sha1 && context.SignKey is { Length: > 0 } k ? System.Text.Encoding.UTF8.GetBytes(k) : null;
        return new HttpSinkOptions(WithQuery(url, SinkOptions.Arguments(context, OwnOptions)), timeout, trust, signKey)
        {
            Scheme = scheme,
            WebhookSecrets = secrets,
        };
    }

    /// <summary>The URL with the block's extra options appended to its own query.</summary>
    private static Uri WithQuery(Uri url, IReadOnlyDictionary<string, string> arguments)
    {
        if (arguments.Count == 0) return url;
        var query = string.Join("&", arguments.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));
        var existing = url.Query.TrimStart('?');
        return new UriBuilder(url) { Query = existing.Length > 0 ? existing + "&" + query : query }.Uri;
    }
}
