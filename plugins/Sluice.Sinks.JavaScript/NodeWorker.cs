using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;

namespace Sluice.Sinks.JavaScript;

/// <summary>
/// One Node.js process running worker.js, spoken to in line-delimited JSON. Runs one batch at a
/// time, answers the worker's mail requests (sent from .NET with the shared SMTP client) and logs
/// its log lines. Killed (with its children) on dispose, on time-out and when the host exits.
/// </summary>
internal sealed class NodeWorker : IAsyncDisposable
{
    private static readonly string WorkerScript = Path.Combine(Path.GetDirectoryName(typeof(NodeWorker).Assembly.Location)!, "worker.js");
    private readonly Process _process;
    private readonly JsSinkOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<string> _stderrTail = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private readonly Task _stderrLoop;
    private TaskCompletionSource<RunResult>? _current;
    private long _runId;

    /// <summary>The script version the worker has compiled (it gets the text only when this changes).</summary>
    public int SourceVersion { get; set; } = -1;

    public bool HasExited => _process.HasExited;

    private sealed record RunResult(string? Error, int? Line);

    private NodeWorker(Process process, JsSinkOptions options, ILogger logger)
    {
        _process = process;
        _options = options;
        _logger = logger;
        AppDomain.CurrentDomain.ProcessExit += KillOnHostExit;
        _readLoop = Task.Run(ReadLoopAsync);
        _stderrLoop = Task.Run(StderrLoopAsync);
    }

    public static async Task<NodeWorker> StartAsync(JsSinkOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(options.NodePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = Path.GetDirectoryName(options.ScriptPath)!,
        };
        psi.ArgumentList.Add(WorkerScript);
        psi.Environment["SLUICE_PARENT_PID"] = Environment.ProcessId.ToString();
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {options.NodePath}");
        var worker = new NodeWorker(process, options, logger);
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the script over a batch; returns the error message and line, or nulls on success.</summary>
    public async Task<(string? Error, int? Line)> RunAsync(string? source, IReadOnlyList<SluiceEvent> batch, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = ++_runId;
        var result = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _current = result;
        await WriteAsync(w =>
        {
            w.WriteString("type", "run");
            w.WriteNumber("id", id);
            w.WriteString("file", _options.ScriptPath);
            if (source is not null) w.WriteString("source", source);
            w.WriteStartArray("events");
            foreach (var evt in batch) evt.WriteTo(w);
            w.WriteEndArray();
            w.WriteStartObject("args");
            foreach (var (k, v) in _options.Arguments) w.WriteString(k, v);
            w.WriteEndObject();
        }, cancellationToken);
        var r = await result.Task.WaitAsync(timeout, cancellationToken);
        return (r.Error, r.Line);
    }

    private async Task WriteAsync(Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var stdin = _process.StandardInput.BaseStream;
            await stdin.WriteAsync(buffer.WrittenMemory, cancellationToken);
            await stdin.FlushAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new IOException($"the Node.js worker is gone{StderrTail()}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                try { Dispatch(line); }
                catch (JsonException) { _logger.LogWarning("JavaScript worker wrote a line that is not protocol: {Line}", line); }
            }
        }
        catch (IOException) { /* the process went away */ }
        catch (ObjectDisposedException) { }
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(1)); } // for its exit code
        catch (Exception e) when (e is TimeoutException or InvalidOperationException) { }
        var gone = new RunResult($"the Node.js worker exited{ExitCode()}{StderrTail()}", null);
        _ready.TrySetException(new InvalidOperationException(gone.Error));
        _current?.TrySetResult(gone);
    }

    private void Dispatch(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var msg = doc.RootElement;
        switch (msg.GetProperty("type").GetString())
        {
            case "ready":
                _ready.TrySetResult();
                break;
            case "done":
                _current?.TrySetResult(new RunResult(null, null));
                break;
            case "error":
                var lineNo = msg.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : (int?)null;
                _current?.TrySetResult(new RunResult(msg.GetProperty("message").GetString() ?? "error", lineNo));
                break;
            case "log":
                Log(msg.GetProperty("level").GetString(), msg.GetProperty("message").GetString() ?? "");
                break;
            case "mail":
                _ = SendMailAsync(msg.GetProperty("req").GetInt64(), Str(msg, "from"), Str(msg, "to"), Str(msg, "subject"), Str(msg, "body"));
                break;
        }
    }

    private static string Str(JsonElement msg, string name) =>
        msg.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private async Task SendMailAsync(long req, string from, string to, string subject, string body)
    {
        string? error = null;
        try
        {
            using var cts = new CancellationTokenSource(_options.Timeout);
            await _options.Mail.SendAsync(JsonSerializer.Serialize(new { from, to, subject, body }), cts.Token);
        }
        catch (OperationCanceledException) { error = $"mail.send: {_options.Mail.Endpoint} did not answer in time"; }
        catch (Exception e) { error = e.Message.StartsWith("mail.send", StringComparison.Ordinal) ? e.Message : "mail.send: " + e.Message; }
        try
        {
            await WriteAsync(w =>
            {
                w.WriteString("type", "mail_result");
                w.WriteNumber("req", req);
                w.WriteBoolean("ok", error is null);
                if (error is not null) w.WriteString("error", error);
            }, CancellationToken.None);
        }
        catch (IOException) { /* the worker died meanwhile */ }
    }

    private void Log(string? level, string message)
    {
        var logLevel = level switch { "error" => LogLevel.Error, "warning" => LogLevel.Warning, "debug" => LogLevel.Debug, _ => LogLevel.Information };
        _logger.Log(logLevel, "{Script}: {Message}", Path.GetFileName(_options.ScriptPath), message);
    }

    private async Task StderrLoopAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    if (_stderrTail.Count > 5) _stderrTail.Dequeue();
                }
                _logger.LogWarning("{Script} (node stderr): {Line}", Path.GetFileName(_options.ScriptPath), line);
            }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    private string StderrTail()
    {
        lock (_stderrTail) return _stderrTail.Count == 0 ? "" : ": " + string.Join(" | ", _stderrTail);
    }

    private string ExitCode()
    {
        try { return _process.HasExited ? $" with code {_process.ExitCode}" : ""; }
        catch (InvalidOperationException) { return ""; }
    }

    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
        catch (System.ComponentModel.Win32Exception) { }
    }

    private void KillOnHostExit(object? sender, EventArgs e) => Kill();

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit;
        Kill();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_readLoop, _stderrLoop).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        _process.Dispose();
        _writeLock.Dispose();
    }
}
