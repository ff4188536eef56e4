using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Access;

/// <summary>
/// Asks an <c>on_play</c> / <c>on_publish</c> backend: one POST of a JSON object (<c>name</c>, <c>proto</c>,
/// <c>ip</c>, <c>token</c>, <c>qs</c>, <c>user_agent</c>, <c>request_type</c>, <c>session_id</c>, and
/// <c>referer</c> for play). A 2xx answer allows; any other status, a redirect, an error or no answer
/// within the timeout refuses.
/// </summary>
internal sealed class AuthBackend(HttpMessageInvoker http, TimeProvider time, TimeSpan timeout)
{
    public async ValueTask<AccessDecision> AskAsync(Uri backend, AccessRequest request, string token, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        using var message = new HttpRequestMessage(HttpMethod.Post, backend) { Content = Body(request, token) };
        try
        {
            using var response = await http.SendAsync(message, linked.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300
                ? AccessDecision.Allow
                : AccessDecision.Deny($"the {What(request)} backend {Display(backend)} answered {status}");
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return AccessDecision.Deny($"the {What(request)} backend {Display(backend)} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return AccessDecision.Deny($"the {What(request)} backend {Display(backend)} failed: {SecretText.Redact(e.Message)}");
        }
    }

    private static string What(AccessRequest request) => request.Kind == AccessKind.Play ? "on_play" : "on_publish";

    private static string Display(Uri backend) => SecretText.Redact(backend.GetLeftPart(UriPartial.Path));

    private static ByteArrayContent Body(AccessRequest request, string token)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("name", request.Name);
            w.WriteString("proto", request.Protocol);
            w.WriteString("ip", request.Ip);
            w.WriteString("token", token);
            w.WriteString("qs", request.Query);
            w.WriteString("user_agent", request.UserAgent ?? "");
            w.WriteString("request_type", "new_session");
            w.WriteString("session_id", request.SessionId);
            if (request.Kind == AccessKind.Play) w.WriteString("referer", request.Referer ?? "");
            w.WriteEndObject();
        }
        var content = new ByteArrayContent(stream.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
        return content;
    }
}
