using System.Net.Http.Headers;

namespace Sluice.Sinks.Common;

/// <summary>
/// <c>http.post(url, body, headers)</c> of the script sinks (one implementation for Lua and
/// JavaScript): a POST with <c>Content-Type: application/json</c> unless the headers say otherwise,
/// the script's headers, the answer's status and text. Blocking: the script waits for it, within
/// the time its run has left. Failures are <see cref="ScriptHttpException"/> (<c>http.post: ...</c>).
/// </summary>
public sealed class ScriptHttp : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public (int Status, string Body) Post(string url, string body, IEnumerable<KeyValuePair<string, string>> headers, TimeSpan timeLeft)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ScriptHttpException($"http.post: '{url}' is not an http(s) URL");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in headers)
            {
                if (request.Headers.TryAddWithoutValidation(name, value)) continue;
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            using var cts = new CancellationTokenSource(timeLeft);
            using var response = _http.Send(request, cts.Token);
            using var reader = new StreamReader(response.Content.ReadAsStream(cts.Token));
            return ((int)response.StatusCode, reader.ReadToEnd());
        }
        catch (OperationCanceledException)
        {
            throw new ScriptHttpException("http.post: no answer before the time limit");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or FormatException)
        {
            throw new ScriptHttpException("http.post: " + e.Message, e);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>http.post failed; the message says why and starts with <c>http.post:</c>.</summary>
public sealed class ScriptHttpException(string message, Exception? inner = null) : Exception(message, inner);
