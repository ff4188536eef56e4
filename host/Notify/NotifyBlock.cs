using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify.Spool;

namespace Sluice.Host.Notify;

/// <summary>
/// The runtime of one notify block: its bounded queue (<see cref="BlockQueue"/>, written by the router),
/// its backlog (<see cref="MemoryBacklog"/> or, with <c>spool</c>, <see cref="SpoolBacklog"/>) and its
/// single delivery loop (NotifyBlock.Loop.cs). The loop takes a batch, hands it to the sink and takes the
/// next only after the sink returned; failures are retried as <see cref="RetryPolicy"/> says, a 410 disables
/// the block until the next reload. A reload or plugin swap changes the setup between batches; the queue,
/// backlog and spool stay. Time comes from the router's <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class NotifyBlock
{
    /// <summary>How much longer than its delivery timeout a sink that ignores cancellation may hold the loop before it is abandoned.</summary>
    public static readonly TimeSpan HardTimeoutGrace = TimeSpan.FromSeconds(1);

    private readonly BlockQueue _queue;
    private readonly Backlog _backlog;
    private readonly int _maxBatch;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IEventEmitter? _events;
    private readonly CancellationTokenSource _abort = new();
    private volatile BlockSetup _setup;
    private BlockSetup? _pending;
    private volatile TaskCompletionSource _reconfigured = new(TaskCreationOptions.RunContinuationsAsynchronously); // cuts a wait short
    private volatile bool _closed;
    private volatile bool _delivering;
    private Task _loop = Task.CompletedTask;

    private long _delivered, _deliveredBatches, _failedBatches, _dropped;
    private volatile string? _lastError;
    private long _lastErrorUtcMs; // 0: never; a long so stats never read a torn value

    public NotifyBlock(BlockSetup setup, NotifyRouterSettings settings, ILogger logger, SpoolLog? spool = null, IEventEmitter? events = null)
    {
        _setup = setup;
        Configured = setup;
        _maxBatch = Math.Max(1, settings.MaxBatch);
        _time = settings.Time;
        _logger = logger;
        _events = events;
        _queue = new BlockQueue(settings.QueueCapacity);
        _backlog = spool is null
            ? new MemoryBacklog(_queue, _maxBatch, setup.Options.ResendLimit)
            : new SpoolBacklog(_queue, spool, setup.Options.Name, _maxBatch, _time, logger);
        _abort.Token.Register(() => { try { Volatile.Read(ref _delivery)?.Cancel(); } catch (ObjectDisposedException) { } });
    }

    public string Name => Configured.Options.Name;

    /// <summary>The setup last asked for (it becomes current at the next batch).</summary>
    public BlockSetup Configured { get; private set; }

    /// <summary>The block's spool, or null.</summary>
    public SpoolLog? Spool => (_backlog as SpoolBacklog)?.Log;

    /// <summary>Nothing queued, held for resend or spooled, and nothing being delivered.</summary>
    public bool Idle => _backlog.Pending == 0 && !_delivering;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>
    /// Router only, under its emit lock: queues an event; never blocks. Returns its queue position, or 0 when
    /// the queue was full (the NEW event is dropped and counted) or the block is closed. The router wakes the
    /// loop after its writes (<see cref="WakeIfParked"/>).
    /// </summary>
    public long Accept(SluiceEvent evt)
    {
        var position = _queue.Write(evt);
        if (position == 0) Interlocked.Increment(ref _dropped);
        return position;
    }

    public void WakeIfParked() => _queue.WakeIfParked();

    /// <summary>Queues one event and wakes the loop (callers that are not the router's emit path).</summary>
    public void Enqueue(SluiceEvent evt)
    {
        Accept(evt);
        Interlocked.MemoryBarrier();
        _queue.WakeIfParked();
    }

    /// <summary>Completes once the events queued up to <paramref name="position"/> are durable (immediately without a spool).</summary>
    public Task WhenDurableAsync(long position, CancellationToken cancellationToken) =>
        _backlog is SpoolBacklog spool ? spool.WhenDurableAsync(position, cancellationToken) : Task.CompletedTask;

    public bool IsSpooled => _backlog is SpoolBacklog;

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
        Wake();
    }

    /// <summary>A reload: a block disabled by a 410 delivers again, and a retry wait starts over at once.</summary>
    public void Reenable()
    {
        if (_disabledReason is null) return;
        _disabledReason = null;
        _failures = 0;
        Interlocked.Exchange(ref _retryAtMs, 0);
        _logger.LogInformation("notify {Block}: enabled again by the reload", Name);
        Wake();
    }

    private void Wake()
    {
        _reconfigured.TrySetResult();
        _queue.Nudge();
    }

    /// <summary>
    /// Stops taking events, delivers what is queued within <paramref name="drainTimeout"/>, then disposes the sink.
    /// Without a spool what is left is dropped and counted; a spool keeps it on disk for the next start.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        _closed = true;
        var deadline = Task.Delay(drainTimeout, _time);
        _queue.Complete();
        Wake(); // out of a retry wait or a disabled wait: a spooled or disabled block stops at once
        if (await Task.WhenAny(_loop, deadline) != _loop) _abort.Cancel();
        try { await _loop; } catch (Exception e) { _logger.LogError(e, "notify {Block}: delivery loop failed", Name); }
        if (_backlog is SpoolBacklog spool)
        {
            await spool.DisposeAsync();
            if (spool.Log.Pending > 0)
                _logger.LogInformation("notify {Block}: {Count} events stay in spool {Folder} for the next start", Name, spool.Log.Pending, spool.Log.Folder);
        }
        else
        {
            var left = _backlog.Pending;
            while (_queue.TryRead(out _)) { }
            if (left > 0)
            {
                Interlocked.Add(ref _dropped, left);
                _logger.LogWarning("notify {Block}: {Count} events not delivered within {Timeout} at stop, dropped", Name, left, drainTimeout);
            }
        }
        if (Volatile.Read(ref _pending) is { } p && p.Sink != _setup.Sink) await DisposeSinkAsync(p);
        await DisposeSinkAsync(_setup);
        _delivery?.Dispose();
        _abort.Dispose();
    }

    public NotifyBlockStats Stats()
    {
        var s = Configured;
        var now = _time.GetUtcNow();
        var spool = Spool;
        var oldest = Interlocked.Read(ref _inFlightOldestUtcMs) is > 0 and var f ? f : _backlog.OldestUtcMs;
        var failingSince = Interlocked.Read(ref _retryingSinceMs);
        return new(s.Options.Name, s.Options.Sink, s.Factory.Name, _queue.Count,
            Interlocked.Read(ref _delivered), Interlocked.Read(ref _deliveredBatches), Interlocked.Read(ref _failedBatches),
            Interlocked.Read(ref _dropped) + (spool?.Dropped ?? 0), spool is null ? _backlog.Held : 0, _lastError,
            Interlocked.Read(ref _lastErrorUtcMs) is > 0 and var ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null)
        {
            State = _disabledReason is not null ? BlockState.Disabled : failingSince > 0 ? BlockState.Retrying : BlockState.Healthy,
            RetryingSince = failingSince > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(failingSince) : null,
            NextRetry = Interlocked.Read(ref _retryAtMs) is > 0 and var at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
            DisabledReason = _disabledReason,
            OldestPendingAge = oldest is { } o && _backlog.Pending + (_delivering ? 1 : 0) > 0
                ? TimeSpan.FromMilliseconds(Math.Max(0, now.ToUnixTimeMilliseconds() - o)) : null,
            SpoolFolder = spool?.Folder,
            SpoolBytes = spool?.Bytes,
            Spooled = spool?.Pending,
        };
    }

    private async Task DisposeSinkAsync(BlockSetup setup)
    {
        try { await setup.Sink.DisposeAsync(); }
        catch (Exception e) { _logger.LogWarning(e, "notify {Block}: disposing sink {Sink} failed", setup.Options.Name, setup.Options.Sink); }
    }
}
