using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// The one loop that owns a configured stream's source (after MediaMTX's stream/reader model): it tries the
/// inputs in order, watches the frames, fails over, backs off, comes back to the primary once a probe finds it
/// delivering, and plays the <c>backup FILE</c> once every input failed in turn. In the loop the backup is the
/// position after the last input. Each attempt writes through its own <see cref="StreamInlet"/>, which the stream
/// accepts only while it is the active one.
/// </summary>
internal sealed class SourceSupervisor(MediaStream stream, IReadOnlyList<IMediaSourceFactory> factories)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _lock = new();
    private volatile IReadOnlyList<IMediaSourceFactory> _factories = factories;
    private volatile IMediaSourceFactory? _attemptFactory;
    private volatile string? _interrupt; // why the current attempt must end now (reconfigured, plugin swapped)
    private Task _loop = Task.CompletedTask;
    private int _probeRotor;

    private StreamRegistrySettings Settings => stream.Settings;

    private TimeProvider Time => stream.Time;

    private enum Ending { Stopped, Failed, Interrupted, Recovered }

    /// <summary>How an attempt ended; <see cref="RecoveredInput"/> is the input a probe found delivering (<see cref="Ending.Recovered"/>).</summary>
    private readonly record struct Outcome(Ending Ending, bool Healthy, string? Url = null, Exception? Error = null, string? Reason = null,
        int RecoveredInput = 0);

    public void Start()
    {
        lock (_lock) _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>New options (already the stream's): the current attempt ends and the loop goes on with them.</summary>
    public void Reconfigure(IReadOnlyList<IMediaSourceFactory> factories)
    {
        _factories = factories;
        _interrupt = "reconfigured";
        // A loop that stopped after retry_limit starts over when its configuration changes.
        lock (_lock)
        {
            if (stream.IsStopped || !_loop.IsCompleted || stream.Options.IsPublished) return;
            _loop = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>The loaded plugins changed: when the factory in use is gone, the attempt restarts with the new one.</summary>
    public void UpdateFactories(IReadOnlyList<IMediaSourceFactory> factories)
    {
        _factories = factories;
        if (_attemptFactory is { } f && !factories.Contains(f)) _interrupt = "plugin_swapped";
    }

    public async Task StopAsync()
    {
        _stop.Cancel();
        Task loop;
        lock (_lock) loop = _loop;
        try
        {
            await loop.WaitAsync(Settings.SourceStopTimeout + TimeSpan.FromSeconds(1), Time);
        }
        catch (TimeoutException)
        {
            stream.Log.LogWarning("stream {Stream}: the source loop did not stop in time; abandoned", stream.Name);
        }
        catch (OperationCanceledException) { }
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
                var options = stream.Options;
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
                        stream.States.PrimaryBack(options.Inputs[to].DisplayUrl, options.Inputs[index].DisplayUrl);
                        Switch(options, index, to, "primary_recovered");
                    }
                    index = to;
                    failures = 0;
                    continue;
                }
                if (IsBackup(options, index))
                {
                    // The backup file itself failed: the inputs again, after a pause.
                    stream.States.Failed(outcome.Url ?? options.Backup!.Path, outcome.Reason ?? "error", outcome.Error?.Message, null);
                    index = 0;
                    stream.State = StreamState.Waiting;
                    await PauseAsync(Backoff(Math.Max(failures, 1)), stop);
                    continue;
                }
                failures = outcome.Healthy ? 1 : failures + 1;
                var delay = Backoff(failures);
                var next = NextAfterFailure(options, index);
                var error = outcome.Error is { } e ? SecretText.Redact(e.Message) : null;
                if (outcome.Url is { } url) stream.States.Failed(url, outcome.Reason ?? "error", error, next == index ? null : Describe(options, next));
                if (error is not null) stream.Events.BrokenSource(outcome.Url, error, delay);
                if (options.RetryLimit is { } limit && failures >= limit)
                {
                    stream.State = StreamState.Failed;
                    stream.States.GaveUp(failures);
                    return;
                }
                if (IsBackup(options, next))
                {
                    index = next; // at once: the backup is there to fill the gap
                    continue;
                }
                if (next != index) Switch(options, index, next, "failure");
                index = next;
                stream.State = StreamState.Waiting;
                await PauseAsync(delay, stop);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stream.State = StreamState.Failed;
            stream.Log.LogError(e, "stream {Stream}: the source loop failed", stream.Name);
        }
    }

    private Task PauseAsync(TimeSpan delay, CancellationToken stop) =>
        Task.Delay(delay, Time, stop).ContinueWith(_ => { }, TaskScheduler.Default);

    private void Switch(StreamOptions options, int from, int to, string reason) =>
        stream.Events.SourceSwitch(options.Inputs[from].DisplayUrl, options.Inputs[to].DisplayUrl, reason);

    /// <summary>0.5 s, 1 s, 2 s ... up to 10 s (settings), by failures in a row.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var ms = Settings.BackoffInitial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, Settings.BackoffMax.TotalMilliseconds));
    }

    private SourceContext ContextFor(InputOptions input) =>
        SourceFactories.Context(stream.Name, input, Settings.ConfigDirectory, new DiagnosticList(), Settings.Services, Time, stream.Log);

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
        var inlet = new StreamInlet(stream, Describe(options, index), backup ? StreamInlet.BackupInput : index);
        stream.Activate(inlet);
        stream.State = backup ? StreamState.Backup : StreamState.Starting;
        if (!backup) stream.Events.SourceOpened(inlet.Url);

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
        IMediaSource? source = null;
        Task run;
        try
        {
            source = factory.Create(ContextFor(input));
            var created = source;
            run = Task.Run(() => created.RunAsync(inlet, attempt.Token), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            run = Task.FromException(e);
        }

        var (reason, ending, recovered) = await SuperviseAsync(options, index, inlet, run, attempt, stop);
        stream.Activate(null);
        Exception? error = null;
        try
        {
            await run.WaitAsync(Settings.SourceStopTimeout, Time, CancellationToken.None);
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested) { }
        catch (TimeoutException)
        {
            stream.Log.LogWarning("stream {Stream}: source {Url} ignored cancellation; abandoned", stream.Name, inlet.Url);
        }
        catch (Exception e)
        {
            error = e;
        }
        if (source is not null)
        {
            try { await source.DisposeAsync().AsTask().WaitAsync(Settings.SourceStopTimeout, Time, CancellationToken.None); }
            catch (Exception e) when (e is not OutOfMemoryException) { stream.Log.LogWarning(e, "stream {Stream}: disposing source {Url} failed", stream.Name, inlet.Url); }
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
            stream.Log.LogDebug("stream {Stream}: source {Url} threw while stopping: {Error}", stream.Name, inlet.Url, error.Message);
            error = null;
        }
        var healthy = inlet.Started && inlet.SinceFirstFrame >= Settings.HealthyAfter;
        if (!backup) stream.Events.SourceClosed(inlet.Url, reason, error is null ? null : SecretText.Redact(error.Message));
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
        var timeout = options.SourceTimeout;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 5, 20, 250));
        var opened = Time.GetTimestamp();
        var nextProbe = Settings.PrimaryProbeInterval;   // since opened
        Task<bool>? probe = null;
        var probed = 0;
        using var probeStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            while (true)
            {
                await Task.WhenAny(run, Task.Delay(tick, Time, stop));
                if (run.IsCompleted) return (null, Ending.Failed, 0);
                var (reason, ending) = Check(options, inlet, Time.GetElapsedTime(opened), stop);
                if (reason is null && index > 0)
                {
                    var now = Time.GetElapsedTime(opened);
                    if (probe is { IsCompleted: true })
                    {
                        if (probe.Result) (reason, ending) = ("primary_recovered", Ending.Recovered);
                        else probe = null;
                    }
                    else if (probe is null && now >= nextProbe)
                    {
                        nextProbe = now + Settings.PrimaryProbeInterval;
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

    private (string? Reason, Ending Ending) Check(StreamOptions options, StreamInlet inlet, TimeSpan sinceOpened, CancellationToken stop)
    {
        if (stop.IsCancellationRequested) return ("stopped", Ending.Stopped);
        if (_interrupt is { } why) return (why, Ending.Interrupted);
        var timeout = options.SourceTimeout;
        if (!inlet.Started) return sinceOpened > timeout ? ("timeout", Ending.Failed) : (null, Ending.Failed);
        var silence = stream.Silence();
        if (silence > 2 * timeout) return ("frames_timed_out", Ending.Failed);
        if (silence > timeout && stream.MarkTimedOut())
        {
            stream.States.Silent(inlet.Url, timeout);
            stream.Events.FramesTimedOut(inlet.Url, timeout);
        }
        return (null, Ending.Failed);
    }

    // ---- backup FILE ----

    private static bool IsBackup(StreamOptions options, int index) => index == options.Inputs.Count;

    /// <summary>After input <paramref name="index"/> failed: the next input, or the backup when the inputs went round.</summary>
    private static int NextAfterFailure(StreamOptions options, int index)
    {
        var next = (index + 1) % options.Inputs.Count;
        return next == 0 && options.Backup is not null ? options.Inputs.Count : next;
    }

    /// <summary>The input's URL as shown (secrets masked), or the backup file's path.</summary>
    private static string Describe(StreamOptions options, int index) =>
        IsBackup(options, index) ? options.Backup!.Path : options.Inputs[index].DisplayUrl;

    /// <summary>Which input to probe: the primary from a later input; every input in turn from the backup.</summary>
    private int ProbeTarget(StreamOptions options, int index) =>
        IsBackup(options, index) ? _probeRotor++ % options.Inputs.Count : 0;

    // ---- probing an earlier input ----

    /// <summary>
    /// Opens input <paramref name="target"/> on the side, without touching the stream, for at most <c>source_timeout</c>:
    /// true once it delivers a keyframe (a video one when it has video).
    /// </summary>
    private async Task<bool> ProbeAsync(StreamOptions options, int target, CancellationToken stop)
    {
        var input = options.Inputs[target];
        if (SourceFactories.Claiming(_factories, input.Url) is not { } factory) return false;
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var output = new ProbeOutput();
        IMediaSource? source = null;
        try
        {
            source = factory.Create(ContextFor(input));
            var created = source;
            var run = Task.Run(() => created.RunAsync(output, probe.Token), CancellationToken.None);
            await Task.WhenAny(run, output.Keyframe.Task, Task.Delay(options.SourceTimeout, Time, probe.Token));
            var ok = output.Keyframe.Task.IsCompleted;
            probe.Cancel();
            await run.WaitAsync(Settings.SourceStopTimeout, Time, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            stream.Log.LogDebug("stream {Stream}: probe of input {Url}: {Result}", stream.Name, input.DisplayUrl, ok ? "delivers" : "silent");
            return ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
        finally
        {
            if (source is not null)
            {
                try { await source.DisposeAsync(); } catch (Exception e) when (e is not OutOfMemoryException) { }
            }
        }
    }

    /// <summary>Where a probe writes: it only waits for a keyframe and keeps nothing.</summary>
    private sealed class ProbeOutput : ISourceOutput
    {
        private volatile bool _hasVideo;

        public TaskCompletionSource Keyframe { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Connected() { }

        public void OnTrack(TrackInfo track)
        {
            if (track.Kind == MediaKind.Video) _hasVideo = true;
        }

        public void OnFrame(in MediaFrame frame)
        {
            if (frame.IsKeyframe && (frame.Kind == MediaKind.Video || !_hasVideo)) Keyframe.TrySetResult();
        }
    }
}
