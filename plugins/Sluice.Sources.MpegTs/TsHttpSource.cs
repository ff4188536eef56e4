using System.Net;
using Microsoft.Extensions.Logging;
using Sluice.Media.MpegTs;
using Sluice.Abstractions.Streams;
using Sluice.Media.Timeline;

namespace Sluice.Sources.MpegTs;

/// <summary>
/// One HTTP GET of a continuous MPEG-TS: connected once the response headers say 2xx; the body is
/// demuxed as it arrives; the end of the body ends the input; any other status is an error.
/// </summary>
internal sealed class TsHttpSource(TsHttpSettings settings, ILogger logger) : IMediaSource
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        ConnectTimeout = settings.ConnectTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.Zero,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task RunAsync(ISourceOutput output, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, settings.Url);
        request.Headers.UserAgent.ParseAdd("Sluice");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {settings.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);

        output.Connected();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var demuxer = new TsDemuxer(output);
        var bytes = await TsStreamPump.PumpAsync(body, demuxer, null, null, cancellationToken).ConfigureAwait(false);
        logger.LogDebug("{Url} ended after {Bytes} bytes, {Frames} frames, {Skipped} bytes skipped",
            settings.Url, bytes, demuxer.Stats.Frames, demuxer.Stats.SkippedBytes);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends and waits for the headers, at most the connect timeout (the body may then flow forever).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(settings.ConnectTimeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"GET {settings.Url}: no response within {settings.ConnectTimeout.TotalSeconds:0.#} s");
        }
    }
}
