using System.Globalization;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Redis;

/// <summary>
/// What a Redis sink is told by its notify block: <c>redis://[[USER]:PASS@]HOST[:PORT]/STREAM</c>, <c>maxlen</c>,
/// <c>db</c> and <c>timeout</c>. The credentials are kept apart from <see cref="Display"/>, which is all that
/// errors ever show.
/// </summary>
internal sealed record RedisSinkOptions(string Host, int Port, string Stream, long MaxLength, int Database, TimeSpan Timeout)
{
    public const int DefaultPort = 6379;

    /// <summary>The stream is trimmed to about this many entries (<c>XADD ... MAXLEN ~ N</c>) unless <c>maxlen</c> says otherwise.</summary>
    public const long DefaultMaxLength = 1_000_000;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] OwnOptions = ["timeout", "maxlen", "db"];

    public string? User { get; init; }
    public string? Password { get; init; }

    /// <summary><c>redis://HOST:PORT/STREAM</c>: the spec without its credentials.</summary>
    public string Display => $"redis://{Host}:{Port}/{Stream}";

    public static RedisSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var ok = true;
        void Fail(SourceLocation at, string message) { diagnostics?.Error(at, message); ok = false; }

        // Never quote the spec itself in a message: it may hold a password.
        string? host = null, stream = null, user = null, password = null;
        var port = DefaultPort;
        if (!Uri.TryCreate(context.Spec, UriKind.Absolute, out var url) || url.Scheme != "redis" || url.Host.Length == 0)
            Fail(context.Location, "a redis sink is redis://[[USER]:PASS@]HOST[:PORT]/STREAM");
        else
        {
            host = url.Host;
            port = url.IsDefaultPort || url.Port < 0 ? DefaultPort : url.Port;
            stream = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
            if (stream.Length == 0) Fail(context.Location, $"redis://{host}:{port}: the URL's path names the stream (redis://HOST:PORT/STREAM)");
            if (url.Query.Length > 0 || url.Fragment.Length > 0)
                Fail(context.Location, $"redis://{host}:{port}/{stream}: a redis sink takes no query or fragment (options go in the block: maxlen, db, timeout)");
            if (url.UserInfo.Length > 0)
            {
                // redis://:PASS@ and redis://USER:PASS@ as redis-cli -u reads them; a lone redis://PASS@ is a password too.
                var colon = url.UserInfo.IndexOf(':');
                if (colon < 0) password = Uri.UnescapeDataString(url.UserInfo);
                else
                {
                    user = colon == 0 ? null : Uri.UnescapeDataString(url.UserInfo[..colon]);
                    password = Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
                }
            }
        }

        var maxLength = DefaultMaxLength;
        if (SinkOptions.Find(context, "maxlen") is { } m)
        {
            var text = m.Arguments.Count == 1 ? m.Arguments[0].Value : "";
            if (long.TryParse(text.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) maxLength = n;
            else Fail(m.Location, $"'maxlen' expects a number of entries greater than zero (the stream is trimmed to about that many), got '{text}'");
        }
        var database = 0;
        if (SinkOptions.Find(context, "db") is { } d)
        {
            var text = d.Arguments.Count == 1 ? d.Arguments[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) database = n;
            else Fail(d.Location, $"'db' expects a database number (0, 1, ...), got '{text}'");
        }
        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        foreach (var option in context.Options)
        {
            if (Array.IndexOf(OwnOptions, option.Name) < 0)
                diagnostics?.Warning(option.Location, $"'{option.Name}' is not an option of a redis sink (it takes maxlen, db and timeout): ignored");
        }
        if (!ok || host is null || stream is null) return null;
        return new RedisSinkOptions(host, port, stream, maxLength, database, timeout) { User = user, Password = password };
    }
}
