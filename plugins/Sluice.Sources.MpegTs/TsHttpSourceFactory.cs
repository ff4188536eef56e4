using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;

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

    public void Validate(SourceContext context) => TsHttpSettings.Bind(context);

    public IMediaSource Create(SourceContext context) =>
        new TsHttpSource(TsHttpSettings.Bind(context) ?? throw new ArgumentException($"invalid input '{context.Spec}' (validate the configuration first)"), context.Logger);
}

/// <summary>What one HTTP MPEG-TS input needs: the real URL and its timeouts.</summary>
internal sealed record TsHttpSettings(Uri Url, TimeSpan ConnectTimeout)
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The settings of an input; a bad option is reported where it was written and gives null.</summary>
    public static TsHttpSettings? Bind(SourceContext context)
    {
        // The query belongs to the remote server: only the input line's options are ours.
        var connectTimeout = DefaultConnectTimeout;
        if (context.Option("connect_timeout") is { } option)
        {
            if (option.PositiveDuration(context.Diagnostics, 0, "a connect timeout", TimeSpan.FromHours(1)) is not { } t) return null;
            connectTimeout = t;
        }
        var builder = new UriBuilder(context.Url);
        builder.Scheme = context.Url.Scheme.ToLowerInvariant() switch
        {
            "tshttps" or "https" => "https",
            _ => "http",
        };
        if (context.Url.IsDefaultPort) builder.Port = -1;
        return new TsHttpSettings(builder.Uri, connectTimeout);
    }
}
