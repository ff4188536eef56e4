using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Live;
using Sluice.Protocols.Hls.Sessions;
using Sluice.Protocols.Hls.Vod;

namespace Sluice.Protocols.Hls.Http;

/// <summary>
/// Serves the delivery routes: live HLS and MPEG-TS, MPEG-TS publishing and files of <c>file</c>
/// prefixes. As the plugin's service it sweeps idle segmenters and sessions and stops them all
/// before the plugin unloads.
/// </summary>
internal sealed partial class HlsDelivery : IPluginService, IAsyncDisposable
{
    private readonly IStreamRegistry _registry;
    private readonly IVodLibrary? _vod;
    private readonly IEventEmitter? _events;
    private readonly IAccessAuthorizer? _access;
    private readonly IStreamLocator? _locator;
    private readonly HlsOptions _options;
    private readonly ILogger _log;
    private readonly VodCache _vodCache;
    private CancellationTokenSource? _sweepStop;
    private Task? _sweep;

    public HlsDelivery(IStreamRegistry registry, ISessionTracker? sessions, IVodLibrary? vod, IEventEmitter? events,
        IStreamLocator? locator, HlsOptions options, ILoggerFactory loggers, IAccessAuthorizer? access = null)
    {
        _locator = locator;
        _access = access;
        _registry = registry;
        _vod = vod;
        _events = events;
        _options = options;
        _log = loggers.CreateLogger("Sluice.Protocols.Hls");
        Segmenters = new LiveSegmenters(registry, options, _log);
        Sessions = new PlaySessions(sessions, options);
        _vodCache = new VodCache(options, _log);
    }

    public LiveSegmenters Segmenters { get; }

    public PlaySessions Sessions { get; }

    /// <summary>GET/HEAD of a delivery path.</summary>
    public Task HandlePlayAsync(HttpContext http)
    {
        // Browser players fetch playlists and segments from other origins.
        http.Response.Headers.AccessControlAllowOrigin = "*";
        if (!TryGetPath(http, out var path)) return Replies.NotFoundAsync(http, "resource");
        if (IsVod(path, out var prefix, out var relative)) return ServeVodAsync(http, path, prefix, relative);
        if (_locator?.CapturedElsewhere(path.Name) is { } server) return Replies.RedirectAsync(http, server.Url);
        return path.Resource switch
        {
            DeliveryResource.Playlist => ServeLivePlaylistAsync(http, path.Name),
            DeliveryResource.Segment => ServeLiveSegmentAsync(http, path.Name, path.Sequence),
            _ => ServeLiveTransportStreamAsync(http, path.Name),
        };
    }

    /// <summary>PUT/POST of a delivery path: only <c>NAME/mpegts</c> takes a publication.</summary>
    public Task HandlePublishAsync(HttpContext http)
    {
        http.Response.Headers.AccessControlAllowOrigin = "*";
        if (!TryGetPath(http, out var path)) return Replies.NotFoundAsync(http, "resource");
        if (path.Resource != DeliveryResource.MpegTs || IsVod(path, out _, out _))
        {
            http.Response.Headers.Allow = "GET, HEAD";
            return Replies.TextAsync(http, StatusCodes.Status405MethodNotAllowed, "publish with PUT or POST to /NAME/mpegts");
        }
        return PublishAsync(http, path.Name);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sweepStop = new CancellationTokenSource();
        _sweep = SweepLoopAsync(_sweepStop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_sweepStop is not null)
        {
            await _sweepStop.CancelAsync().ConfigureAwait(false);
            try { await _sweep!.ConfigureAwait(false); } catch (OperationCanceledException) { }
            _sweepStop.Dispose();
            _sweepStop = null;
        }
        await Segmenters.DisposeAsync().ConfigureAwait(false);
        Sessions.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task SweepLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                await Segmenters.SweepAsync().ConfigureAwait(false);
                Sessions.Sweep();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError(e, "HLS housekeeping failed");
            }
        }
    }

    private static bool TryGetPath(HttpContext http, out DeliveryPath path)
    {
        path = default;
        return http.Request.RouteValues.TryGetValue("path", out var value) && DeliveryPath.TryParse(value as string, out path);
    }

    private bool IsVod(DeliveryPath path, out string prefix, out string relative)
    {
        (prefix, relative) = path.SplitPrefix();
        if (_vod is null || relative.Length == 0) return false;
        foreach (var known in _vod.Prefixes)
        {
            if (string.Equals(known, prefix, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
