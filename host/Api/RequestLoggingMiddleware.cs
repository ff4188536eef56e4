using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Host.Api;

/// <summary><c>logrequests true;</c>: one log line per HTTP request (method, path, status, time, client).</summary>
internal sealed class RequestLoggingMiddleware(RequestDelegate next, Func<bool> enabled, ILogger logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!enabled()) { await next(context); return; }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            logger.LogInformation("{Method} {Path}{Query} {Status} {ElapsedMs:0.0}ms {Client}",
                context.Request.Method, context.Request.Path, context.Request.QueryString, context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.Connection.RemoteIpAddress);
        }
    }
}
