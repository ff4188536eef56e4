using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Host.Metrics;

namespace Sluice.Host.Notify;

/// <summary>
/// The runtime of one notify block: its bounded queue (<see cref="BlockQueue"/>) and its single delivery loop. The loop takes
/// what is queued (up to a batch, in order), hands it to the sink and takes the next batch only
/// after the sink returned. Failed batches are dropped and counted, or kept in the resend buffer
/// when <c>resend_notifications_limit</c> is set and retried every <c>resend_notifications_timeout</c>,
/// before newer events. A reload or plugin swap changes the setup between batches; the queue stays.
/// </summary>
internal sealed partial class NotifyBlock
{
    private readonly BlockQueue _queue = new();
    private readonly int _capacity;
    private readonly int _maxBatch;
    private EventBatch _batch;
    private CancellationTokenSource? _delivery; // reused across batches while it was never cancelled
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private volatile BlockSetup _setup;
    private BlockSetup? _pending;
    private volatile TaskCompletionSource _reconfigured = new(TaskCreationOptions.RunContinuationsAsynchronously); // cuts a resend wait short
    private volatile bool _closed;
    private volatile bool _delivering;
    private ResendBuffer? _resend;
    private DateTime _nextRetryUtc;
    private Task _loop = Task.CompletedTask;

    private int _queued;
    private long _delivered, _deliveredBatches, _failedBatches, _dropped;
    private volatile string? _lastError;
    private long _lastErrorUtcMs; // 0: never; a long so stats never read a torn value

    public NotifyBlock(BlockSetup setup, NotifyRouterSettings settings, ILogger logger)
    {
        _setup = setup;
        Configured = setup;
        _capacity = settings.QueueCapacity;
        _maxBatch = Math.Max(1, settings.MaxBatch);
        _batch = new EventBatch(_maxBatch);
        _logger = logger;
        if (setup.Options.ResendLimit is { } limit) _resend = new ResendBuffer(limit);
    }

    public string Name => Configured.Options.Name;

    /// <summary>The setup last asked for (it becomes current at the next batch).</summary>
    public BlockSetup Configured { get; private set; }

    /// <summary>Nothing queued, held for resend or being delivered.</summary>
    public bool Idle => Volatile.Read(ref _queued) <= 0 && !_delivering && (_resend?.Count ?? 0) == 0;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues an event for delivery; never blocks. A full queue drops the new event and counts it.</summary>
    public void Enqueue(SluiceEvent evt)
    {
        if (_closed || Interlocked.Increment(ref _queued) > _capacity)
        {
            if (!_closed) Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }
        if (!_queue.TryWrite(evt))
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// Switches to a new setup (changed options, or a sink from a swapped plugin) after the batch in flight,
    /// at once when idle: the old sink is disposed now, so a swapped plugin can be collected without traffic.
    /// </summary>
    public void Reconfigure(BlockSetup setup)
    {
        Configured = setup;
        // A full fence before reading _reconfigured (ApplyPendingAsync renews it first).
        if (Interlocked.Exchange(ref _pending, setup) is { } unused && !ReferenceEquals(unused.Sink, setup.Sink))
            _ = DisposeSinkAsync(unused); // superseded before the loop took it: it never delivered
        _reconfigured.TrySetResult();
        _queue.Nudge();
    }

    /// <summary>Stops taking events, delivers what is queued within <paramref name="drainTimeout"/>, then disposes the sink.</summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        _closed = true;
        _queue.Complete();
        if (await Task.WhenAny(_loop, Task.Delay(drainTimeout)) != _loop) _abort.Cancel();
        try { await _loop; } catch (Exception e) { _logger.LogError(e, "notify {Block}: delivery loop failed", Name); }
        var left = Interlocked.Exchange(ref _queued, 0) + (_resend?.Count ?? 0);
        while (_queue.TryRead(out _)) { }
        if (left > 0)
        {
            Interlocked.Add(ref _dropped, left);
            _logger.LogWarning("notify {Block}: {Count} events not delivered within {Timeout} at stop, dropped", Name, left, drainTimeout);
        }
        if (Volatile.Read(ref _pending) is { } p && p.Sink != _setup.Sink) await DisposeSinkAsync(p);
        await DisposeSinkAsync(_setup);
        _delivery?.Dispose();
        _abort.Dispose();
    }

    public NotifyBlockStats Stats()
    {
        var s = Configured;
        return new(s.Options.Name, s.Options.Sink, s.Factory.Name, Math.Max(0, Volatile.Read(ref _queued)),
            Interlocked.Read(ref _delivered), Interlocked.Read(ref _deliveredBatches), Interlocked.Read(ref _failedBatches),
            Interlocked.Read(ref _dropped), _resend?.Count ?? 0, _lastError,
            Interlocked.Read(ref _lastErrorUtcMs) is > 0 and var ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    private async Task RunAsync()
    {
        while (!_abort.IsCancellationRequested)
        {
            await ApplyPendingAsync();
            if (_resend is { Count: > 0 })
            {
                await ResendAsync();
                continue;
            }
            if (_queue.IsEmpty)
            {
                try
                {
                    if (!await _queue.WaitToReadAsync(_abort.Token)) return; // closed and drained
                    // Woken by the first event after the queue ran dry: let the emitter queue a few more
                    // (microseconds, no timer) so a busy block takes batches, not single events.
                    await Task.Yield();
                }
                catch (OperationCanceledException) { return; }
                continue;
            }
            var setup = _setup;
            _delivering = true;
            var batch = TakeQueued(setup.Options.Buffer ? _maxBatch : 1);
            var delivered = await TryDeliverAsync(batch, setup);
            if (!delivered && _resend is null) Interlocked.Add(ref _dropped, batch.Count);
            else if (!delivered)
            {
                Interlocked.Add(ref _dropped, _resend!.AddRange(batch));
                _nextRetryUtc = DateTime.UtcNow + setup.Options.ResendTimeout;
            }
            Release(batch, delivered);
            _delivering = false;
        }
    }

    /// <summary>Retries the resend buffer (with whatever got queued meanwhile) once the retry time came.</summary>
    private async Task ResendAsync()
    {
        var wait = _nextRetryUtc - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            try { await Task.WhenAny(Task.Delay(wait, _abort.Token), _reconfigured.Task); } catch (OperationCanceledException) { return; }
            return; // re-check pending setup changes before retrying
        }
        while (!_queue.IsEmpty)
        {
            var batch = TakeQueued(_maxBatch);
            Interlocked.Add(ref _dropped, _resend!.AddRange(batch));
            batch.Clear();
        }
        while (_resend!.Count > 0 && !_abort.IsCancellationRequested)
        {
            var setup = _setup;
            var batch = _resend.PeekBatch(setup.Options.Buffer ? _maxBatch : 1);
            if (!await TryDeliverAsync(batch, setup))
            {
                _nextRetryUtc = DateTime.UtcNow + setup.Options.ResendTimeout;
                return;
            }
            _resend.RemoveFirst(batch.Length);
        }
    }

    /// <summary>Up to <paramref name="max"/> queued events, in order, in the block's (empty) batch buffer.</summary>
    private EventBatch TakeQueued(int max)
    {
        var batch = _batch;
        while (batch.Count < max && _queue.TryRead(out var e)) batch.TryAdd(e);
        Interlocked.Add(ref _queued, -batch.Count);
        return batch;
    }

    /// <summary>A delivered batch is emptied for reuse; a failed one may still be held by its sink, so it is left to it.</summary>
    private void Release(EventBatch batch, bool delivered)
    {
        if (delivered) batch.Clear();
        else _batch = new EventBatch(_maxBatch);
    }

    /// <summary>The token handed to the sink: cancelled at the delivery timeout or at abort; one source per block until it fires.</summary>
    private CancellationToken DeliveryToken(TimeSpan timeout)
    {
        if (_delivery is null || !_delivery.TryReset())
        {
            _delivery?.Dispose();
            _delivery = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        }
        _delivery.CancelAfter(timeout);
        return _delivery.Token;
    }

    private async Task<bool> TryDeliverAsync(IReadOnlyList<SluiceEvent> batch, BlockSetup setup)
    {
        var timeout = setup.DeliveryTimeout;
        var token = DeliveryToken(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var delivery = setup.Sink.DeliverAsync(batch, token);
            if (!delivery.IsCompletedSuccessfully)
            {
                // A sink that ignores its token still cannot hold the loop much past the timeout.
                await delivery.AsTask().WaitAsync(timeout + TimeSpan.FromSeconds(1), _abort.Token);
            }
            Interlocked.Add(ref _delivered, batch.Count);
            Interlocked.Increment(ref _deliveredBatches);
            NotifyMetrics.RecordDelivery(setup.Options.Name, Stopwatch.GetElapsedTime(started), delivered: true);
            return true;
        }
        catch (Exception e)
        {
            var message = e is OperationCanceledException or TimeoutException && !_abort.IsCancellationRequested
                ? $"delivery timed out after {timeout.TotalSeconds:0.###} s"
                : e.Message;
            Interlocked.Increment(ref _failedBatches);
            NotifyMetrics.RecordDelivery(setup.Options.Name, Stopwatch.GetElapsedTime(started), delivered: false);
            _lastError = message;
            Interlocked.Exchange(ref _lastErrorUtcMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            LogFailure(_logger, setup.Options.Name, batch.Count, message, _resend is null ? "dropped" : "kept for resend");
            return false;
        }
    }

    private async Task ApplyPendingAsync()
    {
        if (_reconfigured.Task.IsCompleted) _reconfigured = new(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.Exchange(ref _pending, null) is not { } next) return;
        var old = _setup;
        _setup = next;
        if (next.Options.ResendLimit is { } limit)
        {
            _resend ??= new ResendBuffer(limit);
            _resend.Limit = limit;
            Interlocked.Add(ref _dropped, _resend.Trim());
        }
        else if (_resend is not null)
        {
            // Resend switched off: what it held goes out first, once, like queued events.
            var held = _resend.TakeAll();
            _resend = null;
            if (held.Length > 0 && !await TryDeliverAsync(held, next)) Interlocked.Add(ref _dropped, held.Length);
        }
        if (!ReferenceEquals(old.Sink, next.Sink)) await DisposeSinkAsync(old);
    }

    private async Task DisposeSinkAsync(BlockSetup setup)
    {
        try { await setup.Sink.DisposeAsync(); }
        catch (Exception e) { _logger.LogWarning(e, "notify {Block}: disposing sink {Sink} failed", setup.Options.Name, setup.Options.Sink); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "notify {Block}: delivery of {Count} events failed ({Error}), {Outcome}")]
    private static partial void LogFailure(ILogger logger, string block, int count, string error, string outcome);
}
