using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Muxing;
using Sluice.Protocols.Hls.Sessions;

namespace Sluice.Protocols.Hls.Http;

internal sealed partial class HlsDelivery
{
    /// <summary>
    /// <c>NAME/index.m3u8</c>: starts the stream's segmenter on the first request and waits for its first
    /// segment up to <see cref="HlsOptions.FirstSegmentWait"/>, then 503 with Retry-After.
    /// </summary>
    private async Task ServeLivePlaylistAsync(HttpContext http, string name)
    {
        var segmenter = Segmenters.GetOrStart(name);
        if (segmenter is null)
        {
            await Replies.NotFoundAsync(http, $"stream {name}").ConfigureAwait(false);
            return;
        }
        var session = Sessions.Touch(name, Replies.ClientIp(http), Replies.UserAgent(http), segmenter.Stream, authorize: HlsAuthorization(http, name));
        if (session is null)
        {
            await Replies.SessionsFullAsync(http).ConfigureAwait(false);
            return;
        }
        if (!await AdmittedAsync(http, session).ConfigureAwait(false)) return;
        bool ready;
        try
        {
            ready = await segmenter.FirstSegment.WaitAsync(segmenter.Options.FirstSegmentWait, http.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            ready = false;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return; // the client gave up waiting
        }
        var playlist = ready ? segmenter.Playlist : [];
        if (playlist.Length == 0)
        {
            http.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Replies.TextAsync(http, StatusCodes.Status503ServiceUnavailable, $"stream {name} is not producing yet").ConfigureAwait(false);
            return;
        }
        await Replies.BodyAsync(http, Replies.PlaylistType, playlist, cache: false).ConfigureAwait(false);
    }

    /// <summary><c>NAME/segment-N.ts</c> from the window of the running segmenter; 404 once evicted.</summary>
    private async Task ServeLiveSegmentAsync(HttpContext http, string name, long sequence)
    {
        var segmenter = Segmenters.Find(name);
        var data = segmenter?.RetainSegment(sequence);
        if (segmenter is null || data is null)
        {
            await Replies.NotFoundAsync(http, $"segment {sequence} of {name}").ConfigureAwait(false);
            return;
        }
        try
        {
            var viewer = Sessions.Touch(name, Replies.ClientIp(http), Replies.UserAgent(http), segmenter.Stream, authorize: HlsAuthorization(http, name));
            if (viewer is null)
            {
                await Replies.SessionsFullAsync(http).ConfigureAwait(false);
                return;
            }
            if (!await AdmittedAsync(http, viewer).ConfigureAwait(false)) return;
            await Replies.BodyAsync(http, Replies.TransportStreamType, data.Memory, cache: true).ConfigureAwait(false);
            if (!HttpMethods.IsHead(http.Request.Method)) viewer.AddBytes(data.Length);
        }
        finally
        {
            data.Release();
        }
    }

    /// <summary>
    /// <c>NAME/mpegts</c>: a continuous transport stream muxed for this viewer from its own reader, which
    /// starts at the last keyframe; a slow viewer only loses frames of its own reader.
    /// </summary>
    private async Task ServeLiveTransportStreamAsync(HttpContext http, string name)
    {
        var stream = _registry.OpenForViewer(name);
        if (stream is null)
        {
            await Replies.NotFoundAsync(http, $"stream {name}").ConfigureAwait(false);
            return;
        }
        using var viewer = Sessions.Open(SessionKind.Play, name, "mpegts", Replies.ClientIp(http), Replies.UserAgent(http), stream);
        if (viewer is null)
        {
            await Replies.SessionsFullAsync(http).ConfigureAwait(false);
            return;
        }
        viewer.Authorization = AuthorizeAsync(http, AccessKind.Play, name, "mpegts", viewer);
        if (!await AdmittedAsync(http, viewer).ConfigureAwait(false)) return;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = Replies.TransportStreamType;
        http.Response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(http.Request.Method)) return;

        await using var reader = stream.Subscribe(new StreamReaderOptions { Capacity = _options.ReaderCapacity, FromLastKeyframe = true });
        try
        {
            await http.Response.StartAsync(http.RequestAborted).ConfigureAwait(false);
            await PumpAsync(http, reader, viewer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && http.RequestAborted.IsCancellationRequested)
        {
            // The viewer went away.
        }
    }

    private async Task PumpAsync(HttpContext http, IStreamReader reader, PlayViewer viewer)
    {
        var cancel = http.RequestAborted;
        var muxer = new TrackedMuxer();
        using var output = new PooledBufferWriter(_options.StreamWriteChunk + (64 << 10));
        var started = false;
        var frames = reader.Frames;
        while (await frames.WaitToReadAsync(cancel).ConfigureAwait(false))
        {
            while (output.WrittenCount < _options.StreamWriteChunk && frames.TryRead(out var frame))
            {
                try
                {
                    if (muxer.Sync(reader.Tracks) == MuxerChange.Recreated) started = false;
                    if (!started)
                    {
                        // Begin where a decoder can: the first video keyframe (any frame for audio only).
                        if (!frame.IsKeyframe || (muxer.HasVideo && frame.Kind != MediaKind.Video)) continue;
                        if (muxer.ShouldWaitForTracks(frame.Dts)) continue;
                        started = true;
                    }
                    muxer.Write(in frame, output);
                }
                finally
                {
                    frame.Release();
                }
            }
            if (output.WrittenCount == 0) continue;
            await http.Response.Body.WriteAsync(output.WrittenMemory, cancel).ConfigureAwait(false);
            viewer.AddBytes(output.WrittenCount);
            output.Clear();
        }
    }
}
