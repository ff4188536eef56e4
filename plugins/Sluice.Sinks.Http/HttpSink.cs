using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Http;

/// <summary>
/// POSTs each batch as a JSON array to one URL over a pooled, reused connection.
/// With a sign key, <c>X-Signature</c> is the hex SHA1 of the body followed by the key.
/// </summary>
internal sealed class HttpSink : IEventSink
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpSinkOptions _options;
    private readonly HttpClient _client;

    private readonly TimeProvider _time;

    public HttpSink(HttpSinkOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = options.Timeout,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (options.Trust is { } trust)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) => trust.Validate(cert, chain, errors);
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        var key = _options.SignKey;
        using var body = JsonArrayBody.Build(batch, key?.Length ?? 0);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url)
        {
            Content = new ByteArrayContent(body.Buffer, 0, body.Length),
        };
        request.Content.Headers.ContentType = Json;
        if (key is not null) request.Headers.Add("X-Signature", Sign(body, key));
        if (_options.Scheme == SignScheme.StandardWebhooks && batch.Count > 0)
        {
            var id = StandardWebhooks.MessageId(batch[0].Id, batch[^1].Id, batch.Count);
            var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", StandardWebhooks.Signature(_options.WebhookSecrets, id, timestamp, body.Span));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode) return;
            var detail = await ReadSnippetAsync(response, timeout.Token);
            throw new SinkDeliveryException(
                $"{_options.Url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}{detail}")
            {
                Gone = response.StatusCode == HttpStatusCode.Gone,
                RetryAfter = RetryAfter(response),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException(
                $"{_options.Url.GetLeftPart(UriPartial.Path)} did not answer within {_options.Timeout.TotalSeconds:0.###} s (the batch may have been received)");
        }
        catch (HttpRequestException e)
        {
            throw new SinkDeliveryException($"POST to {_options.Url.GetLeftPart(UriPartial.Path)} failed: {e.Message}", e);
        }
    }

    /// <summary><c>Retry-After</c> as seconds or as a date (RFC 9110), when the receiver sent one.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retry) return null;
        if (retry.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (retry.Date is { } date) return date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }

    /// <summary>SHA1 over body+key, hashed in place: the key is copied into the room kept after the body.</summary>
    private static string Sign(JsonArrayBody body, byte[] key)
    {
        key.CopyTo(body.Buffer.AsSpan(body.Length));
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(body.Buffer.AsSpan(0, body.Length + key.Length), hash);
        return Convert.ToHexStringLower(hash);
    }

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            text = text.Trim();
            return text.Length == 0 ? "" : ": " + (text.Length > 200 ? text[..200] + "..." : text);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return "";
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
