using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Access;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Sessions;
using Sluice.Protocols.Hls.Vod;

namespace Sluice.Protocols.Hls.Http;

internal sealed partial class HlsDelivery
{
    /// <summary>
    /// <c>PREFIX/PATH/index.m3u8</c>, <c>…/segment-N.ts</c> and <c>…/mpegts</c> for a file of a <c>file</c>
    /// prefix: remuxed once to a cached transport stream, served as a VOD playlist of byte ranges cut at
    /// keyframes, or whole.
    /// </summary>
    private async Task ServeVodAsync(HttpContext http, DeliveryPath path, string prefix, string relative)
    {
        var file = _vod!.Resolve(prefix, relative);
        if (file is null || !File.Exists(file))
        {
            await Replies.NotFoundAsync(http, $"file {path.Name}").ConfigureAwait(false);
            return;
        }
        VodIndex index;
        try
        {
            index = await _vodCache.GetAsync(file).WaitAsync(http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return; // the client left while the file was being remuxed; the remux goes on for the next one
        }
        catch (Exception e) when (e is InvalidDataException or TimeoutException or IOException or InvalidOperationException
                                      or System.ComponentModel.Win32Exception)
        {
            _log.LogWarning("cannot serve {File}: {Reason}", file, e.Message);
            await Replies.TextAsync(http, StatusCodes.Status500InternalServerError, $"cannot serve {path.Name}: {e.Message}").ConfigureAwait(false);
            return;
        }

        var ip = Replies.ClientIp(http);
        var agent = Replies.UserAgent(http);
        switch (path.Resource)
        {
            case DeliveryResource.Playlist:
                var session = Sessions.Touch(path.Name, ip, agent, null, v => FileOpened(path.Name, file, ip), v => FileClosed(path.Name, file, ip, v),
                    HlsAuthorization(http, path.Name));
                if (session is null)
                {
                    await Replies.SessionsFullAsync(http).ConfigureAwait(false);
                    return;
                }
                if (!await AdmittedAsync(http, session).ConfigureAwait(false)) return;
                await Replies.BodyAsync(http, Replies.PlaylistType, index.Playlist, cache: true).ConfigureAwait(false);
                return;
            case DeliveryResource.Segment:
                if (path.Sequence >= index.Segments.Count)
                {
                    await Replies.NotFoundAsync(http, $"segment {path.Sequence} of {path.Name}").ConfigureAwait(false);
                    return;
                }
                var viewer = Sessions.Touch(path.Name, ip, agent, null, v => FileOpened(path.Name, file, ip), v => FileClosed(path.Name, file, ip, v),
                    HlsAuthorization(http, path.Name));
                if (viewer is null)
                {
                    await Replies.SessionsFullAsync(http).ConfigureAwait(false);
                    return;
                }
                if (!await AdmittedAsync(http, viewer).ConfigureAwait(false)) return;
                await SendRangeAsync(http, index, index.Segments[(int)path.Sequence], path.Sequence > 0, viewer).ConfigureAwait(false);
                return;
            default:
                using (var whole = Sessions.Open(SessionKind.Play, path.Name, "mpegts", ip, agent, null, v => FileClosed(path.Name, file, ip, v)))
                {
                    if (whole is null)
                    {
                        await Replies.SessionsFullAsync(http).ConfigureAwait(false);
                        return;
                    }
                    whole.Authorization = AuthorizeAsync(http, AccessKind.Play, path.Name, "mpegts", whole);
                    if (!await AdmittedAsync(http, whole).ConfigureAwait(false)) return;
                    FileOpened(path.Name, file, ip);
                    await SendRangeAsync(http, index, new VodSegment(0, index.FileLength, index.DurationSeconds), false, whole).ConfigureAwait(false);
                }
                return;
        }
    }

    private static async Task SendRangeAsync(HttpContext http, VodIndex index, VodSegment segment, bool withTables, PlayViewer viewer)
    {
        var prefix = withTables ? index.TablesPrefix : [];
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = Replies.TransportStreamType;
        http.Response.ContentLength = prefix.Length + segment.Length;
        http.Response.Headers.CacheControl = "max-age=60";
        if (HttpMethods.IsHead(http.Request.Method)) return;
        try
        {
            if (prefix.Length > 0) await http.Response.Body.WriteAsync(prefix, http.RequestAborted).ConfigureAwait(false);
            await http.Response.SendFileAsync(index.CachedFile, segment.Offset, segment.Length, http.RequestAborted).ConfigureAwait(false);
            viewer.AddBytes(prefix.Length + segment.Length);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            // The viewer went away.
        }
    }

    private void FileOpened(string media, string file, string ip) =>
        _events?.Emit(new EventDraft("file_opened") { Media = media, Fields = [new("path", file), new("ip", ip)] });

    private void FileClosed(string media, string file, string ip, PlayViewer viewer) =>
        _events?.Emit(new EventDraft("file_closed") { Media = media, Fields = [new("path", file), new("ip", ip), new("bytes", viewer.Bytes)] });
}
