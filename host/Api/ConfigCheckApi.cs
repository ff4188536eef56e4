using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Api.Answers;
using Sluice.Host.Configuration;

namespace Sluice.Host.Api;

/// <summary>
/// <c>POST /api/v1/config/check</c>: validates a configuration sent as the body (text) with every section the
/// running host has, as <c>sluice check</c> does, and changes nothing. Edit access: <c>include</c> lines read
/// the server's files, relative to the running configuration's folder.
/// </summary>
internal static class ConfigCheckApi
{
    public const int MaxBodyBytes = 1 << 20;
    public const string FileName = "pasted.conf";

    public static RouteHandlerBuilder MapConfigCheck(this IEndpointRouteBuilder api, Func<string, ConfigLoadResult> check) =>
        api.MapPost("/api/v1/config/check", async (HttpRequest request, CancellationToken ct) =>
            {
                var buffer = new MemoryStream();
                var chunk = new byte[8192];
                int n;
                while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
                {
                    buffer.Write(chunk, 0, n);
                    if (buffer.Length > MaxBodyBytes)
                        return Results.Json(new ApiError($"configuration exceeds {MaxBodyBytes} bytes"), statusCode: StatusCodes.Status413PayloadTooLarge);
                }
                string text;
                try
                {
                    text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
                }
                catch (DecoderFallbackException)
                {
                    return Results.Json(new ApiError("the configuration is not valid UTF-8"), statusCode: StatusCodes.Status400BadRequest);
                }
                var result = check(text);
                return TypedResults.Ok(new CheckAnswer(result.Succeeded, result.Diagnostics.Select(Message).ToArray()));
            })
            .WithSummary("Check a configuration (the body, as text) without applying it: every problem at FILE:LINE:COL")
            .Produces<CheckAnswer>(StatusCodes.Status200OK)
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge);

    private static CheckMessage Message(Diagnostic d)
    {
        var message = SecretText.Redact(d.Message);
        var severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var located = new Diagnostic(d.Severity, d.Location, message);
        return new CheckMessage(severity, d.Location.File, d.Location.Line, d.Location.Column, message, located.ToString());
    }
}
