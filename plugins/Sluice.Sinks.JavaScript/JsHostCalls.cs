using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.JavaScript;

/// <summary>
/// The .NET side of the script API behind one delegate, <c>hostCall(op, json) -> json</c>: the
/// prelude keeps it in a closure, so scripts reach no .NET object, and ClearScript (shared by the
/// host) only ever sees a <see cref="Func{T1, T2, TResult}"/>, not a type of this plugin, which is
/// what lets the plugin's context unload. Never throws into V8: failures are <c>{"error": ...}</c>.
/// </summary>
internal sealed class JsHostCalls(JsSinkOptions options, ILogger logger) : IDisposable
{
    private readonly ScriptHttp _http = new();
    private readonly string _scriptName = Path.GetFileName(options.ScriptPath);
    private long _deadline;

    /// <summary>Starts a run: host calls get the time left until <paramref name="limit"/> from now.</summary>
    public void Arm(TimeSpan limit) =>
        Interlocked.Exchange(ref _deadline, Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency));

    private TimeSpan Remaining => TimeSpan.FromSeconds(Math.Max(0.05, (Interlocked.Read(ref _deadline) - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));

    public string Call(string op, string payload)
    {
        try
        {
            return op switch
            {
                "mail" => Mail(payload),
                "http" => Http(payload),
                "log" => Log(payload),
                _ => Error($"unknown host call '{op}'"),
            };
        }
        catch (Exception e) // nothing may unwind into V8
        {
            return Error(e.Message);
        }
    }

    private string Mail(string request)
    {
        try
        {
            using var cts = new CancellationTokenSource(Remaining);
            options.Mail.SendAsync(request, cts.Token).GetAwaiter().GetResult();
            return "{}";
        }
        catch (OperationCanceledException)
        {
            return Error($"mail.send: {options.Mail.Endpoint} did not answer before the time limit");
        }
    }

    private string Http(string request)
    {
        using var doc = JsonDocument.Parse(request);
        var r = doc.RootElement;
        var headers = new List<KeyValuePair<string, string>>();
        if (r.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject())
                headers.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
        }
        try
        {
            var (status, body) = _http.Post(r.GetProperty("url").GetString() ?? "", r.GetProperty("body").GetString() ?? "", headers, Remaining);
            return Json(w => { w.WriteNumber("status", status); w.WriteString("body", body); });
        }
        catch (ScriptHttpException e)
        {
            return Error(e.Message);
        }
    }

    private string Log(string entry)
    {
        using var doc = JsonDocument.Parse(entry);
        var level = doc.RootElement.GetProperty("level").GetString() switch
        {
            "error" => LogLevel.Error,
            "warning" => LogLevel.Warning,
            "debug" => LogLevel.Debug,
            _ => LogLevel.Information,
        };
        logger.Log(level, "{Script}: {Message}", _scriptName, doc.RootElement.GetProperty("message").GetString());
        return "{}";
    }

    private static string Error(string message) => Json(w => w.WriteString("error", message));

    /// <summary>
    /// Answers are written by hand, not by JsonSerializer: its metadata cache lives in the shared
    /// System.Text.Json, and no type of this plugin should end up in anything the host keeps.
    /// </summary>
    private static string Json(Action<Utf8JsonWriter> members)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose() => _http.Dispose();
}
