using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Http;

/// <summary>What an HTTP sink is told by its notify block.</summary>
internal sealed record HttpSinkOptions(Uri Url, TimeSpan Timeout, CaFileTrust? Trust, byte[]? SignKey)
{
    /// <summary>Options the sink consumes; every other block option becomes a query parameter.</summary>
    public static readonly string[] OwnOptions = ["timeout", "ca_file"];

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
        if (!ok || url is null) return null;
        var signKey = context.SignKey is { Length: > 0 } k ? System.Text.Encoding.UTF8.GetBytes(k) : null;
        return new HttpSinkOptions(WithQuery(url, SinkOptions.Arguments(context, OwnOptions)), timeout, trust, signKey);
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
