using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr.Playback;

/// <summary>
/// Serves the archive: playlists, fragments, exports, status. Everything is read from the files, so a
/// stream that is stopped (or a server that just started) still serves what it recorded.
/// </summary>
internal sealed class DvrHttp(DvrRuntime runtime, PlaybackGate gate, ILogger log)
{
    private const string ImmutableCache = "max-age=86400";

    private readonly ExportPlans _plans = new(runtime.Time);

    public async Task HandleAsync(HttpContext http)
    {
        http.Response.Headers.AccessControlAllowOrigin = "*";
        if (!http.Request.RouteValues.TryGetValue("path", out var value) || !DvrPath.TryParse(value as string, out var path))
        {
            await Replies.TextAsync(http, StatusCodes.Status404NotFound, "not found").ConfigureAwait(false);
            return;
        }
        if (runtime.Catalog.Find(path.Name) is not { } found)
        {
            await Replies.TextAsync(http, StatusCodes.Status404NotFound, $"stream {path.Name} has no dvr").ConfigureAwait(false);
            return;
        }
        var archive = found.Archive;
        if (archive is not null) await archive.Ready.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        switch (path.Resource)
        {
            case DvrResource.Status:
                if (!await gate.AllowAsync(http, path.Name).ConfigureAwait(false)) return;
                await Replies.BodyAsync(http, "application/json", RecordingStatus.Json(path.Name, archive, found.Feature.Options), "no-cache").ConfigureAwait(false);
                return;
            case DvrResource.Playlist or DvrResource.LivePlaylist:
                await PlaylistAsync(http, path, archive).ConfigureAwait(false);
                return;
            case DvrResource.Fragment:
                await FragmentAsync(http, path, archive).ConfigureAwait(false);
                return;
            default:
                await ExportAsync(http, path, archive).ConfigureAwait(false);
                return;
        }
    }

    /// <summary><c>GET /api/v1/streams/NAME/dvr</c>: the status without play authorization (the API's own access rules apply).</summary>
    public async Task HandleApiAsync(HttpContext http)
    {
        var value = http.Request.RouteValues.TryGetValue("path", out var v) ? v as string ?? "" : "";
        var name = value.EndsWith("/dvr", StringComparison.Ordinal) ? value[..^4] : "";
        if (name.Length == 0 || runtime.Catalog.Find(name) is not { } found)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsJsonAsync(new { error = $"stream '{name}' has no dvr" }, http.RequestAborted).ConfigureAwait(false);
            return;
        }
        if (found.Archive is { } archive) await archive.Ready.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        await Replies.BodyAsync(http, "application/json", RecordingStatus.Json(name, found.Archive, found.Feature.Options), "no-cache").ConfigureAwait(false);
    }

    private async Task PlaylistAsync(HttpContext http, DvrPath path, StreamArchive? archive)
    {
        var live = path.Resource == DvrResource.LivePlaylist;
        var fragments = archive?.Index.Between(path.FromMs, live ? long.MaxValue : path.ToMs) ?? [];
        if (fragments.Length == 0 && !(live && archive is { Recording: true }))
        {
            await NotRecordedAsync(http, path, archive).ConfigureAwait(false);
            return;
        }
        if (await gate.TouchAsync(http, path.Name).ConfigureAwait(false) is null) return;
        var query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "";
        var text = ArchivePlaylist.Build(fragments, vod: !live, ended: live && archive is not { Recording: true }, query);
        await Replies.BodyAsync(http, Replies.PlaylistType, System.Text.Encoding.UTF8.GetBytes(text), live ? "no-cache" : "max-age=5").ConfigureAwait(false);
    }

    private async Task FragmentAsync(HttpContext http, DvrPath path, StreamArchive? archive)
    {
        if (archive?.Index.At(path.FromMs) is not { } fragment || fragment.DurationMs != path.DurationMs)
        {
            await Replies.TextAsync(http, StatusCodes.Status404NotFound, $"fragment of {path.Name} not found (deleted, or never recorded)").ConfigureAwait(false);
            return;
        }
        if (await gate.TouchAsync(http, path.Name).ConfigureAwait(false) is not { } viewer) return;
        var file = archive.PathOf(fragment);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = Replies.TransportStreamType;
        http.Response.ContentLength = fragment.Bytes;
        http.Response.Headers.CacheControl = ImmutableCache;
        if (HttpMethods.IsHead(http.Request.Method)) return;
        try
        {
            await http.Response.SendFileAsync(file, 0, fragment.Bytes, http.RequestAborted).ConfigureAwait(false);
            viewer.AddBytes(fragment.Bytes);
        }
        catch (FileNotFoundException)
        {
            http.Abort();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            // The viewer went away.
        }
    }

    private async Task ExportAsync(HttpContext http, DvrPath path, StreamArchive? archive)
    {
        var mp4 = path.Resource == DvrResource.Mp4;
        if (TimeSpan.FromMilliseconds(path.DurationMs) > runtime.Settings.MaxExportDuration)
        {
            await Replies.TextAsync(http, StatusCodes.Status400BadRequest,
                $"an export is at most {runtime.Settings.MaxExportDuration.TotalHours:0} h; ask for several").ConfigureAwait(false);
            return;
        }
        var fragments = archive?.Index.Between(path.FromMs, path.ToMs) ?? [];
        if (archive is null || fragments.Length == 0)
        {
            await NotRecordedAsync(http, path, archive).ConfigureAwait(false);
            return;
        }
        using var viewer = await gate.OpenOwnAsync(http, path.Name).ConfigureAwait(false);
        if (viewer is null) return;
        using var hold = archive.Hold(fragments[0].StartMs);
        var url = http.Request.Path.Value ?? "";
        var ip = PlaybackGate.ClientIp(http);
        var head = HttpMethods.IsHead(http.Request.Method);
        long sent = 0;
        void Count(long bytes)
        {
            sent += bytes;
            viewer.AddBytes(bytes);
        }
        if (!mp4)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = Replies.TransportStreamType;
            http.Response.Headers.AcceptRanges = "none"; // its length is not known before it is written
            if (head) return;
            try
            {
                await TsExport.WriteAsync(new ArchiveReader(archive, fragments, path.FromMs, path.ToMs), http.Response.BodyWriter, Count, http.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidDataException)
            {
                if (!http.RequestAborted.IsCancellationRequested) log.LogWarning("dvr {Stream}: export {Url} failed: {Error}", path.Name, url, e.Message);
                http.Abort();
            }
            return;
        }

        // Byte ranges: the plan gives the file's length before its first byte, so a range is served like a
        // file's. The export events are for the requests that start at byte 0 (a download, a player's first
        // request); a seek's later range requests are counted as the session's bytes only.
        var tag = ExportPlans.Tag(archive, path, fragments);
        var range = ByteRange.Parse(http.Request, tag);
        var whole = range is null || range.Value.From == 0;
        var events = whole && !head;
        if (events) runtime.Events.ExportStart(path.Name, url, path.FromMs, path.DurationMs, ip);
        var export = _plans.Find(tag);
        if (export is null)
        {
            try
            {
                export = await Task.Run(() => Mp4Export.Plan(archive, fragments, path.FromMs, path.ToMs, http.RequestAborted), http.RequestAborted).ConfigureAwait(false);
                _plans.Add(tag, export);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                if (events) runtime.Events.ExportAborted(path.Name, url, 0);
                return;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
            {
                log.LogWarning("dvr {Stream}: export {Url} failed: {Error}", path.Name, url, e.Message);
                if (events) runtime.Events.ExportFailed(path.Name, url, e.Message);
                await Replies.TextAsync(http, StatusCodes.Status500InternalServerError, $"cannot export {path.Name}: {e.Message}").ConfigureAwait(false);
                return;
            }
        }
        var length = export.FileLength;
        http.Response.Headers.AcceptRanges = "bytes";
        http.Response.Headers.ETag = tag;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Dvr-Gaps"] = export.Gaps.ToString(CultureInfo.InvariantCulture);
        long first = 0, last = length - 1;
        if (range is { } asked)
        {
            if (!asked.Resolve(length, out first, out last))
            {
                http.Response.Headers.ContentRange = $"bytes */{length}";
                await Replies.TextAsync(http, StatusCodes.Status416RangeNotSatisfiable, $"the export is {length} bytes; the range asked lies outside it").ConfigureAwait(false);
                return;
            }
            http.Response.StatusCode = StatusCodes.Status206PartialContent;
            http.Response.Headers.ContentRange = $"bytes {first}-{last}/{length}";
        }
        else
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
        }
        http.Response.ContentType = "video/mp4";
        http.Response.ContentLength = last - first + 1;
        if (head) return;
        try
        {
            var bytes = await export.WriteAsync(http.Response.BodyWriter, first, last, Count, http.RequestAborted).ConfigureAwait(false);
            if (events) runtime.Events.ExportReady(path.Name, url, bytes, (long)export.Movie.Duration.TotalMilliseconds, fragments.Length, export.Gaps);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            if (events) runtime.Events.ExportAborted(path.Name, url, sent);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException)
        {
            log.LogWarning("dvr {Stream}: export {Url} failed after {Bytes} bytes: {Error}", path.Name, url, sent, e.Message);
            if (events) runtime.Events.ExportFailed(path.Name, url, e.Message);
            http.Abort();
        }
    }

    private static Task NotRecordedAsync(HttpContext http, DvrPath path, StreamArchive? archive)
    {
        var from = FragmentNames.Utc(path.FromMs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var what = path.Resource == DvrResource.LivePlaylist ? $"after {from} UTC" : $"between {from} and {FragmentNames.Utc(path.ToMs):HH:mm:ss} UTC";
        var recorded = archive?.Index is { Count: > 0 } index
            ? $"; the archive holds {FragmentNames.Utc(index.First!.Value.StartMs):yyyy-MM-dd HH:mm:ss} to {FragmentNames.Utc(index.Last!.Value.EndMs):yyyy-MM-dd HH:mm:ss} UTC (see recording_status.json)"
            : "; the archive is empty";
        return Replies.TextAsync(http, StatusCodes.Status404NotFound, $"nothing of {path.Name} was recorded {what}{recorded}");
    }
}
