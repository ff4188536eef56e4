using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;

namespace Sluice.Host.Notify;

/// <summary>The delivery loop of a block: batches, the sink call and its deadlines, retries, 410.</summary>
internal sealed partial class NotifyBlock
{
    /// <summary>A failed delivery: what to log, and what the receiver asked for.</summary>
    private sealed record Failure(string Message, TimeSpan? RetryAfter, bool Gone);

    private CancellationTokenSource? _delivery; // reused across batches while it was never cancelled
    private int _failures;                      // in a row
    private long _retryAtMs;                    // 0: no retry wait
    private long _retryingSinceMs;              // 0: healthy
    private long _inFlightOldestUtcMs;          // utc_ms of the first event of the batch in flight or failed
    private volatile string? _disabledReason;
    private long _spoolDropsReported;
    private long _spoolReportedAtMs;

    private async Task RunAsync()
    {
        while (!_abort.IsCancellationRequested)
        {
            await ApplyPendingAsync();
            ReportSpoolOverflow();
            if (_disabledReason is not null)
            {
                if (_closed) return; // a disabled block does not drain
                await WaitForChangeAsync(null);
                continue;
            }
            if (Interlocked.Read(ref _retryAtMs) is > 0 and var at)
            {
                var wait = TimeSpan.FromMilliseconds(at - _time.GetUtcNow().ToUnixTimeMilliseconds());
                if (wait > TimeSpan.Zero)
                {
                    if (_closed && IsSpooled) return; // what is held stays on disk for the next start
                    await WaitForChangeAsync(wait);
                    continue; // re-check pending setup changes before retrying
                }
                Interlocked.Exchange(ref _retryAtMs, 0);
                Interlocked.Add(ref _dropped, _backlog.RetryDue());
            }
            var setup = _setup;
            var batch = _backlog.Take(setup.Options.Buffer ? _maxBatch : 1);
            if (batch.Count == 0)
            {
                try
                {
                    if (!await _backlog.WaitAsync(_abort.Token)) return; // closed and drained
                    // Woken by the first event after the queue ran dry: let the emitter queue a few more
                    // (microseconds, no timer) so a busy block takes batches, not single events.
                    await Task.Yield();
                }
                catch (OperationCanceledException) { return; }
                continue;
            }
            _delivering = true;
            (_backlog as SpoolBacklog)?.NoteOldest(batch);
            Interlocked.Exchange(ref _inFlightOldestUtcMs, batch[0].UtcMs);
            var failure = await TryDeliverAsync(batch, setup);
            if (failure is null)
            {
                _backlog.Delivered(batch);
                Interlocked.Exchange(ref _inFlightOldestUtcMs, 0);
                if (_failures > 0) Recovered();
            }
            else
            {
                var dropped = _backlog.Failed(batch);
                Interlocked.Add(ref _dropped, dropped);
                if (!_backlog.KeepsFailed) Interlocked.Exchange(ref _inFlightOldestUtcMs, 0);
                Failed(failure, setup, batch.Count, dropped);
                Interlocked.Increment(ref _failedBatches);
            }
            _delivering = false;
        }
    }

    private void Recovered()
    {
        var since = Interlocked.Exchange(ref _retryingSinceMs, 0);
        if (since > 0)
            _logger.LogInformation("notify {Block}: delivering again after {Failures} failed attempts since {Since:O}", Name, _failures,
                DateTimeOffset.FromUnixTimeMilliseconds(since));
        _failures = 0;
    }

    private void Failed(Failure failure, BlockSetup setup, int count, long dropped)
    {
        _failures++;
        var now = _time.GetUtcNow();
        if (failure.Gone)
        {
            _disabledReason = failure.Message;
            Interlocked.Exchange(ref _retryingSinceMs, 0);
            _logger.LogError("notify {Block}: the receiver answered that it is gone ({Error}); the block is disabled until the next reload", Name, failure.Message);
            _events?.NotifyDisabled(Name, failure.Message);
            return;
        }
        var outcome = _backlog.KeepsFailed ? "kept for resend" : "dropped";
        if (_backlog.KeepsFailed || failure.RetryAfter is not null)
        {
            if (_failures == 1) Interlocked.Exchange(ref _retryingSinceMs, now.ToUnixTimeMilliseconds());
            var delay = _backlog.KeepsFailed
                ? RetryPolicy.Delay(setup.Options.ResendTimeout, backoff: IsSpooled, _failures, failure.RetryAfter, Random.Shared.NextDouble())
                : RetryPolicy.Delay(TimeSpan.Zero, backoff: false, _failures, failure.RetryAfter, 0);
            Interlocked.Exchange(ref _retryAtMs, (now + delay).ToUnixTimeMilliseconds());
            outcome += $", next attempt in {delay.TotalSeconds:0.###} s";
        }
        LogFailure(_logger, setup.Options.Name, count, failure.Message, dropped > 0 && _backlog.KeepsFailed ? $"{outcome} ({dropped} older dropped)" : outcome);
    }

    /// <summary>Waits until <paramref name="wait"/> passed (forever when null), a reconfiguration or reload, or abort.</summary>
    private async Task WaitForChangeAsync(TimeSpan? wait)
    {
        var changed = _reconfigured.Task;
        try
        {
            if (wait is { } w) await Task.WhenAny(Task.Delay(w, _time, _abort.Token), changed);
            else await changed.WaitAsync(_abort.Token);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>The token handed to the sink: cancelled at the delivery timeout (on the router's clock) or at abort.</summary>
    private CancellationToken DeliveryToken(TimeSpan timeout)
    {
        if (_delivery is null || !_delivery.TryReset())
        {
            _delivery?.Dispose();
            Volatile.Write(ref _delivery, new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time));
            if (_abort.IsCancellationRequested) _delivery!.Cancel();
        }
        _delivery!.CancelAfter(timeout);
        return _delivery.Token;
    }

    private async Task<Failure?> TryDeliverAsync(IReadOnlyList<SluiceEvent> batch, BlockSetup setup)
    {
        var timeout = setup.DeliveryTimeout;
        var token = DeliveryToken(timeout);
        Task? running = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var delivery = setup.Sink.DeliverAsync(batch, token);
            if (!delivery.IsCompletedSuccessfully)
            {
                running = delivery.AsTask();
                // A sink that ignores its token cannot hold the loop much past the timeout.
                await running.WaitAsync(timeout + HardTimeoutGrace, _time, _abort.Token);
            }
            Interlocked.Add(ref _delivered, batch.Count);
            Interlocked.Increment(ref _deliveredBatches);
            NotifyDeliveryMetrics.Record(setup.Options.Name, Stopwatch.GetElapsedTime(started), delivered: true);
            return null;
        }
        catch (Exception e)
        {
            var stuck = e is TimeoutException && running is { IsCompleted: false };
            if (stuck) Abandon(setup, running!);
            var message = stuck
                ? $"delivery timed out after {timeout.TotalSeconds:0.###} s and the sink ignored the cancellation: it was replaced by a new one"
                : e is OperationCanceledException && !_abort.IsCancellationRequested
                    ? $"delivery timed out after {timeout.TotalSeconds:0.###} s"
                    : e.Message;
            NotifyDeliveryMetrics.Record(setup.Options.Name, Stopwatch.GetElapsedTime(started), delivered: false);
            _lastError = message; // counted by the caller once it recorded what follows (stats read the count last)
            Interlocked.Exchange(ref _lastErrorUtcMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
            return e is SinkDeliveryException d ? new Failure(message, d.RetryAfter, d.Gone) : new Failure(message, null, false);
        }
    }

    /// <summary>
    /// The sink is still inside a call it was told to give up: it is never called again (the promise that a sink
    /// is never called concurrently holds), a new one takes over at the next batch (created then, so a failure to
    /// create it is that batch's failure), and the old one is disposed once its call returns.
    /// </summary>
    private void Abandon(BlockSetup setup, Task stuck)
    {
        if (!ReferenceEquals(_setup, setup)) return;
        var replacement = setup with { Sink = new LazySink(setup.CreateSink) };
        _setup = replacement;
        if (ReferenceEquals(Configured, setup)) Configured = replacement;
        _logger.LogWarning("notify {Block}: sink {Sink} did not return {Grace} s after its delivery was cancelled; it is abandoned and replaced by a new one",
            Name, setup.Options.Sink, HardTimeoutGrace.TotalSeconds);
        _ = stuck.ContinueWith(_ => DisposeSinkAsync(setup), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    private async Task ApplyPendingAsync()
    {
        if (_reconfigured.Task.IsCompleted) _reconfigured = new(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.Exchange(ref _pending, null) is not { } next) return;
        var old = _setup;
        _setup = next;
        if (_backlog is MemoryBacklog memory)
        {
            var (dropped, flush) = memory.Resize(next.Options.ResendLimit);
            Interlocked.Add(ref _dropped, dropped);
            if (flush.Length > 0 && await TryDeliverAsync(flush, next) is not null)
            {
                Interlocked.Add(ref _dropped, flush.Length);
                Interlocked.Increment(ref _failedBatches);
            }
        }
        if (!ReferenceEquals(old.Sink, next.Sink)) await DisposeSinkAsync(old);
    }

    /// <summary>Spool size bound: dropped events are reported by an event of their own, at most every 10 s.</summary>
    private void ReportSpoolOverflow()
    {
        if (Spool is not { } spool) return;
        var dropped = spool.Dropped;
        if (dropped == _spoolDropsReported) return;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - _spoolReportedAtMs < 10_000 && _spoolReportedAtMs > 0) return;
        var n = dropped - _spoolDropsReported;
        _spoolDropsReported = dropped;
        _spoolReportedAtMs = now;
        _logger.LogWarning("notify {Block}: spool {Folder} is full ({Max} bytes): {Count} oldest events dropped", Name, spool.Folder, spool.MaxBytes, n);
        _events?.NotifySpoolFull(Name, n, spool.Bytes, spool.MaxBytes);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "notify {Block}: delivery of {Count} events failed ({Error}), {Outcome}")]
    private static partial void LogFailure(ILogger logger, string block, int count, string error, string outcome);

    /// <summary>A sink created at its first delivery (the replacement of an abandoned one).</summary>
    private sealed class LazySink(Func<IEventSink> create) : IEventSink
    {
        private IEventSink? _inner;

        public ValueTask DeliverAsync(IReadOnlyList<SluiceEvent> batch, CancellationToken cancellationToken)
        {
            try { _inner ??= create(); }
            catch (Exception e) { throw new SinkDeliveryException($"creating a new sink failed: {e.Message}", e); }
            return _inner.DeliverAsync(batch, cancellationToken);
        }

        public ValueTask DisposeAsync() => _inner?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
