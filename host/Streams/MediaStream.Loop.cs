using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// The one loop that owns a configured stream's source (after MediaMTX's stream/reader model): it tries
/// the inputs in order, watches the frames, fails over, backs off, and comes back to the primary.
/// </summary>
internal sealed partial class MediaStream
{
    private volatile StreamOptions _options;
    private volatile IReadOnlyList<IMediaSourceFactory> _factories;
    private volatile IMediaSourceFactory? _attemptFactory;
    private volatile string? _interrupt; // why the current attempt must end now (reconfigured, plugin swapped)

    private enum Ending { Stopped, Failed, Interrupted, Recovered }

    /// <summary>How an attempt ended; <see cref="RecoveredInput"/> is the input a probe found delivering (<see cref="Ending.Recovered"/>).</summary>
    private readonly record struct Outcome(Ending Ending, bool Healthy, string? Url = null, Exception? Error = null, string? Reason = null,
        int RecoveredInput = 0);

    /// <summary>Starts the loop (a configured stream) and emits <c>stream_started</c>.</summary>
    public void Start()
    {
        _startedMs = Environment.TickCount64;
        Emit("stream_started");
        if (_options.IsPublished || _options.Kind == StreamKind.Published)
        {
            State = "waiting";
            return;
        }
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>New options for the same name: the current attempt ends and the loop goes on with them; readers stay.</summary>
    public void Reconfigure(StreamOptions options, IReadOnlyList<IMediaSourceFactory> factories)
    {
        _options = options;
        _factories = factories;
        _interrupt = "reconfigured";
        Emit("stream_reconfigured");
        RestartIfGaveUp();
    }

    /// <summary>The loaded plugins changed: when the factory in use is gone, the attempt restarts with the new one.</summary>
    public void UpdateFactories(IReadOnlyList<IMediaSourceFactory> factories)
    {
        _factories = factories;
        if (_attemptFactory is { } f && !factories.Contains(f)) _interrupt = "plugin_swapped";
    }

    /// <summary>A loop that stopped after <c>retry_limit</c> starts over when its configuration changes.</summary>
    private void RestartIfGaveUp()
    {
        lock (_gate)
        {
            if (_stopped || !_loop.IsCompleted || _options.IsPublished) return;
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var index = 0;
        var failures = 0;
        StreamOptions? previous = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                _interrupt = null;
                var options = _options;
                if (!ReferenceEquals(options, previous))
                {
                    // New options (or the first run): start over from the primary.
                    (index, failures, previous) = (0, 0, options);
                }
                var outcome = await RunAttemptAsync(options, index, stop);
                if (outcome.Ending == Ending.Stopped || stop.IsCancellationRequested) break;
                if (outcome.Ending == Ending.Interrupted) continue;
                if (outcome.Ending == Ending.Recovered)
                {
                    var to = outcome.RecoveredInput;
                    if (!IsBackup(options, index))
                    {
                        _states.PrimaryBack(options.Inputs[to].DisplayUrl, options.Inputs[index].DisplayUrl);
                        Switch(options, index, to, "primary_recovered");
                    }
                    index = to;
                    failures = 0;
                    continue;
                }
                if (IsBackup(options, index))
                {
                    // The backup file itself failed: the inputs again, after a pause.
                    _states.Failed(outcome.Url ?? options.Backup!.Path, outcome.Reason ?? "error", outcome.Error?.Message, null);
                    index = 0;
                    State = "waiting";
                    await Task.Delay(Backoff(Math.Max(failures, 1)), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                    continue;
                }
                failures = outcome.Healthy ? 1 : failures + 1;
                var delay = Backoff(failures);
                var next = NextAfterFailure(options, index);
                var error = outcome.Error is { } e ? SecretText.Redact(e.Message) : null;
                if (outcome.Url is { } url) _states.Failed(url, outcome.Reason ?? "error", error, next == index ? null : Describe(options, next));
                if (error is not null)
                {
                    Emit("stream_broken_source", new EventField("url", outcome.Url), new EventField("error", error),
                        new EventField("retry_in_ms", (long)delay.TotalMilliseconds));
                }
                if (options.RetryLimit is { } limit && failures >= limit)
                {
                    State = "failed";
                    _states.GaveUp(failures);
                    return;
                }
                if (IsBackup(options, next))
                {
                    index = next; // at once: the backup is there to fill the gap
                    continue;
                }
                if (next != index) Switch(options, index, next, "failure");
                index = next;
                State = "waiting";
                await Task.Delay(delay, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            State = "failed";
            _log.LogError(e, "stream {Stream}: the source loop failed", Name);
        }
    }

    private void Switch(StreamOptions options, int from, int to, string reason) =>
        Emit("source_switch", new EventField("from", options.Inputs[from].DisplayUrl), new EventField("to", options.Inputs[to].DisplayUrl),
            new EventField("reason", reason));

    /// <summary>0.5 s, 1 s, 2 s ... up to 10 s (settings), by failures in a row.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var ms = _settings.BackoffInitial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _settings.BackoffMax.TotalMilliseconds));
    }

    /// <summary>One attempt at input <paramref name="index"/>, or at the backup file (index = number of inputs).</summary>
    private async Task<Outcome> RunAttemptAsync(StreamOptions options, int index, CancellationToken stop)
    {
        var backup = IsBackup(options, index);
        var input = backup ? options.Backup!.Input : options.Inputs[index];
        var factory = SourceFactories.Claiming(_factories, input.Url);
        if (factory is null)
        {
            return new Outcome(Ending.Failed, false, Describe(options, index), Reason: "no loaded source plugin reads it");
        }
        _attemptFactory = factory;
        var inlet = new StreamInlet(this, Describe(options, index), backup ? StreamInlet.BackupInput : index);
        Activate(inlet);
        State = backup ? "backup" : "starting";
        if (!backup) Emit("source_opened", new EventField("url", inlet.Url));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        IMediaSource? source = null;
        Task run;
        try
        {
            source = factory.Create(SourceFactories.Context(Name, input, _settings.ConfigDirectory, new DiagnosticList(), _settings.Services, _settings.Time, _log));
            var created = source;
            run = Task.Run(() => created.RunAsync(inlet, attempt.Token), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            run = Task.FromException(e);
        }

        var (reason, ending, recovered) = await SuperviseAsync(options, index, inlet, run, attempt, stop);
        Activate(null);
        Exception? error = null;
        try
        {
            await run.WaitAsync(_settings.SourceStopTimeout, CancellationToken.None);
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested) { }
        catch (TimeoutException)
        {
            _log.LogWarning("stream {Stream}: source {Url} ignored cancellation; abandoned", Name, inlet.Url);
        }
        catch (Exception e)
        {
            error = e;
        }
        if (source is not null)
        {
            try { await source.DisposeAsync().AsTask().WaitAsync(_settings.SourceStopTimeout, CancellationToken.None); }
            catch (Exception e) when (e is not OutOfMemoryException) { _log.LogWarning(e, "stream {Stream}: disposing source {Url} failed", Name, inlet.Url); }
        }
        _attemptFactory = null;
        var endedByItself = reason is null;
        if (reason is null)
        {
            reason = error is null ? "eof" : "error";
            ending = Ending.Failed;
        }
        else if (error is not null)
        {
            // Thrown while being cancelled (a socket closed under it): the cause is ours, not the source's.
            _log.LogDebug("stream {Stream}: source {Url} threw while stopping: {Error}", Name, inlet.Url, error.Message);
            error = null;
        }
        var healthy = inlet.Started && Environment.TickCount64 - inlet.FirstFrameMs >= (long)_settings.HealthyAfter.TotalMilliseconds;
        if (!backup)
        {
            Emit("source_closed", new EventField("url", inlet.Url), new EventField("reason", reason),
                new EventField("error", error is null ? null : SecretText.Redact(error.Message)));
        }
        return new Outcome(ending, healthy, inlet.Url, endedByItself ? error : null, reason, recovered);
    }

    /// <summary>
    /// Watches one attempt until it ends by itself (reason null), or has to be ended: stop, interrupt,
    /// no first frame within <c>source_timeout</c>, silence for two <c>source_timeout</c>s
    /// (<c>frames_timed_out</c> after the first), or, while on a later input or the backup file, a probe
    /// finding an earlier input delivering again (which one: the third value).
    /// </summary>
    private async Task<(string? Reason, Ending Ending, int Recovered)> SuperviseAsync(StreamOptions options, int index, StreamInlet inlet, Task run,
        CancellationTokenSource attempt, CancellationToken stop)
    {
        var timeoutMs = (long)options.SourceTimeout.TotalMilliseconds;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(timeoutMs / 5, 20, 250));
        var openedMs = Environment.TickCount64;
        var nextProbeMs = openedMs + (long)_settings.PrimaryProbeInterval.TotalMilliseconds;
        Task<bool>? probe = null;
        var probed = 0;
        using var probeStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            while (true)
            {
                await Task.WhenAny(run, Task.Delay(tick, stop));
                if (run.IsCompleted) return (null, Ending.Failed, 0);
                var (reason, ending) = Check(options, inlet, openedMs, timeoutMs, stop);
                if (reason is null && index > 0)
                {
                    var now = Environment.TickCount64;
                    if (probe is { IsCompleted: true })
                    {
                        if (probe.Result) (reason, ending) = ("primary_recovered", Ending.Recovered);
                        else probe = null;
                    }
                    else if (probe is null && now >= nextProbeMs)
                    {
                        nextProbeMs = now + (long)_settings.PrimaryProbeInterval.TotalMilliseconds;
                        probed = ProbeTarget(options, index);
                        probe = ProbeAsync(options, probed, probeStop.Token);
                    }
                }
                if (reason is not null)
                {
                    attempt.Cancel();
                    return (reason, ending, probed);
                }
            }
        }
        finally
        {
            probeStop.Cancel();
            if (probe is not null) await probe.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private (string? Reason, Ending Ending) Check(StreamOptions options, StreamInlet inlet, long openedMs, long timeoutMs, CancellationToken stop)
    {
        if (stop.IsCancellationRequested) return ("stopped", Ending.Stopped);
        if (_interrupt is { } why) return (why, Ending.Interrupted);
        if (!inlet.Started)
            return Environment.TickCount64 - openedMs > timeoutMs ? ("timeout", Ending.Failed) : (null, Ending.Failed);
        var silence = SilenceMs();
        if (silence > 2 * timeoutMs) return ("frames_timed_out", Ending.Failed);
        if (silence > timeoutMs && MarkTimedOut())
        {
            _states.Silent(inlet.Url, options.SourceTimeout);
            Emit("frames_timed_out", new EventField("url", inlet.Url), new EventField("timeout_ms", timeoutMs));
        }
        return (null, Ending.Failed);
    }
}
