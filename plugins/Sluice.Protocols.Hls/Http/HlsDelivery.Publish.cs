using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Abstractions.Access;
using Microsoft.Extensions.Logging;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Http;

internal sealed partial class HlsDelivery
{
    /// <summary>
    /// PUT/POST <c>NAME/mpegts</c>: the body is a transport stream, demuxed as it arrives into a
    /// publisher of the registry; the publication ends with the body (204) or the connection.
    /// </summary>
    private async Task PublishAsync(HttpContext http, string name)
    {
        var ip = Replies.ClientIp(http);
        using var session = Sessions.Open(SessionKind.Publish, name, "mpegts", ip, Replies.UserAgent(http), stream: null);
        if (session is null)
        {
            await Replies.SessionsFullAsync(http).ConfigureAwait(false);
            return;
        }
        // The block's password and on_publish guard HTTP publishing exactly as they guard RTMP.
        var decision = await AuthorizeAsync(http, AccessKind.Publish, name, "mpegts", session).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            await Replies.TextAsync(http, StatusCodes.Status403Forbidden, $"publishing to {name} is not authorized").ConfigureAwait(false);
            return;
        }
        var publisher = _registry.Publish(name, new PublisherInfo(ip, "mpegts"));
        if (publisher is null)
        {
            await Replies.TextAsync(http, StatusCodes.Status403Forbidden, $"publishing to {name} is not allowed").ConfigureAwait(false);
            return;
        }
        await using (publisher.ConfigureAwait(false))
        {
            // A publication is as long as the stream lasts: no body size limit.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;

            publisher.Connected();
            using var demuxer = new TsDemuxer(publisher);
            var body = http.Request.BodyReader;
            try
            {
                while (true)
                {
                    var read = await body.ReadAsync(http.RequestAborted).ConfigureAwait(false);
                    foreach (var chunk in read.Buffer) demuxer.Feed(chunk.Span);
                    session.AddBytes(read.Buffer.Length);
                    body.AdvanceTo(read.Buffer.End);
                    if (read.IsCompleted || read.IsCanceled) break;
                }
                demuxer.Flush();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException)
            {
                _log.LogInformation("publication of {Stream} from {Ip} ended by the client: {Reason}", name, ip, e.Message);
                return;
            }
            _log.LogInformation("publication of {Stream} from {Ip} ended: {Bytes} bytes, {Errors} continuity errors",
                name, ip, demuxer.Stats.Bytes, demuxer.Stats.ContinuityErrors);
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    }
}
