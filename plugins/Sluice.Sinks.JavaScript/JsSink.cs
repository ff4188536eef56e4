using System.Text;
using System.Text.Json;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.JavaScript;

/// <summary>
/// Runs the block's script once per batch in the host's V8 (in process), on a thread of the
/// sink's own. Past the time limit (or when the delivery is cancelled) the engine is interrupted;
/// past the memory limit the run fails; either way the next batch gets a fresh engine. The script
/// is compiled again when its file changed.
/// </summary>
internal sealed class JsSink : IEventSink
{
    /// <summary>An interrupt stops V8 at once; this covers a host call (mail, http) that ignores its own deadline.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private readonly JsSinkOptions _options;
    private readonly ScriptSource _source;
    private readonly JsHostCalls _calls;
    private readonly string _argsJson;
    private ScriptThread? _thread;
    private V8ScriptHost? _host;
    private Task? _running;

    public JsSink(JsSinkOptions options, SinkContext context)
    {
        _options = options;
        _source = new ScriptSource(options.ScriptPath);
        _calls = new JsHostCalls(options, context.Logger);
        _argsJson = ArgsJson(options.Arguments);
    }

    public async ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
    {
        try
        {
            _source.Refresh();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SinkDeliveryException($"cannot read JavaScript script: {e.Message}", e);
        }
        await SettlePreviousRunAsync();

        string events;
        using (var body = JsonArrayBody.Build(batch)) events = Encoding.UTF8.GetString(body.Span);
        var thread = _thread ??= new ScriptThread("sluice-js " + Path.GetFileName(_options.ScriptPath));
        var host = _host ??= new V8ScriptHost(_options.ScriptPath, _options.MemoryLimit, _calls.Call);
        _calls.Arm(_options.Timeout);
        var run = thread.RunAsync(() => host.Run(_source, events, _argsJson));
        _running = run;
        await using var watchdog = new RunWatchdog(host, _options.Timeout, cancellationToken);
        RunOutcome outcome;
        try
        {
            outcome = await run.WaitAsync(_options.Timeout + Grace, cancellationToken);
        }
        catch (TimeoutException)
        {
            Abandon(run);
            throw new SinkDeliveryException($"JavaScript script {_options.ScriptPath} did not finish within {Seconds(_options.Timeout)} s (stuck in a host call)");
        }
        switch (outcome.Kind)
        {
            case RunOutcomeKind.Done:
                return;
            case RunOutcomeKind.Interrupted when cancellationToken.IsCancellationRequested:
                throw new OperationCanceledException(cancellationToken);
            case RunOutcomeKind.Interrupted:
                throw Failed($"time limit exceeded ({Seconds(_options.Timeout)} s)");
            case RunOutcomeKind.OutOfMemory:
                throw Failed($"memory limit exceeded ({_options.MemoryLimit >> 20} MB)");
            default:
                throw Failed(outcome.Message ?? "failed", outcome.Line);
        }
    }

    /// <summary>Written by hand, as the host calls' answers (no plugin type in the shared System.Text.Json's caches).</summary>
    private static string ArgsJson(IReadOnlyDictionary<string, string> args)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (k, v) in args) w.WriteString(k, v);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private SinkDeliveryException Failed(string message, int? line = null) => new(line is { } l
        ? $"JavaScript script {_options.ScriptPath} failed at line {l}: {message}"
        : $"JavaScript script {_options.ScriptPath} failed: {message}");

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A run left behind by a cancelled delivery gets a moment to stop; if it does not, its engine and thread are abandoned.</summary>
    private async Task SettlePreviousRunAsync()
    {
        if (_running is not { IsCompleted: false } previous) return;
        try { await previous.WaitAsync(Grace); }
        catch (TimeoutException) { Abandon(previous); }
        catch (Exception) { /* its failure was the cancelled delivery's */ }
    }

    /// <summary>The thread is busy in a host call: a new engine and thread serve the next batch; the old ones end with that call.</summary>
    private void Abandon(Task run)
    {
        var (host, thread) = (_host, _thread);
        (_host, _thread, _running) = (null, null, null);
        _ = run.ContinueWith(_ => { host?.Dispose(); thread?.Dispose(); }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (_running is { IsCompleted: false } running)
        {
            _host?.Interrupt();
            try { await running.WaitAsync(_options.Timeout + Grace); } catch (Exception) { /* reported by DeliverAsync */ }
        }
        if (_thread is { } thread && _host is { } host)
        {
            // The engine is disposed on its own thread, after whatever it still runs.
            try { await thread.RunAsync(() => { host.Dispose(); return 0; }).WaitAsync(_options.Timeout + Grace); }
            catch (TimeoutException) { }
        }
        _thread?.Dispose();
        (_host, _thread, _running) = (null, null, null);
        _calls.Dispose();
    }
}
