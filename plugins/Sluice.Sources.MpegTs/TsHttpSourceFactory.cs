using Sluice.Media.Streams;
using Sluice.Sources.Shared;

namespace Sluice.Sources.MpegTs;

/// <summary>
/// <c>tshttp://HOST/PATH</c> (and <c>tshttps://</c>): a continuous MPEG-TS fetched with HTTP GET.
/// Plain <c>http(s)://</c> URLs are claimed only when they look like MPEG-TS (path ending in
/// <c>.ts</c> or containing <c>/mpegts</c>), so HLS and other HTTP inputs go to other sources.
/// </summary>
internal sealed class TsHttpSourceFactory : IMediaSourceFactory
{
    public string Name => "tshttp";

    public IReadOnlyList<string> Schemes { get; } = ["tshttp", "tshttps", "http", "https"];

    public bool Claims(Uri url) => url.Scheme.ToLowerInvariant() switch
    {
        "tshttp" or "tshttps" => true,
        "http" or "https" => url.AbsolutePath.EndsWith(".ts", StringComparison.OrdinalIgnoreCase)
                             || url.AbsolutePath.Contains("/mpegts", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public string? Validate(SourceContext context)
    {
        try
        {
            _ = TsHttpSettings.From(context);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    public IMediaSource Create(SourceContext context) => new TsHttpSource(TsHttpSettings.From(context), context.Logger);
}

/// <summary>What one HTTP MPEG-TS input needs: the real URL and its timeouts.</summary>
internal sealed record TsHttpSettings(Uri Url, TimeSpan ConnectTimeout)
{
    public static TsHttpSettings From(SourceContext context)
    {
        // The query belongs to the remote server: only the input line's options are ours.
        var options = SourceOptions.From(context, includeQuery: false);
        var builder = new UriBuilder(context.Url);
        builder.Scheme = context.Url.Scheme.ToLowerInvariant() switch
        {
            "tshttps" or "https" => "https",
            _ => "http",
        };
        if (context.Url.IsDefaultPort) builder.Port = -1;
        return new TsHttpSettings(builder.Uri, options.GetSeconds("connect_timeout", TimeSpan.FromSeconds(10)));
    }
}
