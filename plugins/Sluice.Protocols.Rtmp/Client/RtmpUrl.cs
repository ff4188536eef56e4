using Sluice.Abstractions.Configuration;

namespace Sluice.Protocols.Rtmp.Client;

/// <summary>
/// <c>rtmp://HOST[:PORT]/APP/NAME[?query]</c> (port 1935) or <c>rtmps://...</c> (port 443), split as ffmpeg
/// and nginx-rtmp split it: the first path segment is the application, the rest (with the query) the stream.
/// </summary>
internal sealed record RtmpUrl(bool Tls, string Host, int Port, string App, string Stream, Uri Original)
{
    /// <summary>The <c>tcUrl</c> of <c>connect</c>: the URL up to the application.</summary>
    public string TcUrl => $"{(Tls ? "rtmps" : "rtmp")}://{Host}:{Port}/{App}";

    /// <summary>The URL as logs and events show it (secrets masked).</summary>
    public string Display => SecretText.Redact(Original.OriginalString);

    public static bool TryParse(Uri url, out RtmpUrl parsed, out string error)
    {
        parsed = null!;
        error = "";
        var tls = url.Scheme.Equals("rtmps", StringComparison.OrdinalIgnoreCase);
        if (!tls && !url.Scheme.Equals("rtmp", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{url.Scheme}://' is not rtmp:// or rtmps://";
            return false;
        }
        if (url.Host.Length == 0)
        {
            error = "the URL has no host";
            return false;
        }
        var path = Uri.UnescapeDataString(url.AbsolutePath).Trim('/');
        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
        {
            error = "expected rtmp://HOST[:PORT]/APP/STREAM";
            return false;
        }
        var stream = path[(slash + 1)..] + (url.Query.Length > 1 ? url.Query : "");
        parsed = new RtmpUrl(tls, url.Host, url.IsDefaultPort || url.Port <= 0 ? (tls ? 443 : 1935) : url.Port, path[..slash], stream, url);
        return true;
    }
}
