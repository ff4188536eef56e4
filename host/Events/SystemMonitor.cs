using Microsoft.Extensions.Hosting;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Events;

/// <summary>
/// The .NET counterpart of Erlang's system monitor: emits <c>memory_usage</c> (working set against the
/// memory the GC says is available, which respects cgroup limits), <c>long_gc</c> (the last pause of
/// each GC kind, from <see cref="GC.GetGCMemoryInfo(GCKind)"/>) and <c>threadpool_starvation</c>
/// (how long a probe work item waited in the thread pool). Runs on its own thread so a starved
/// thread pool cannot hide its own starvation.
/// </summary>
internal sealed class SystemMonitor(IEventEmitter emitter, SystemMonitorSettings? settings = null, TimeProvider? time = null) : IHostedService, IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SystemMonitorSettings _settings = settings ?? new();
    private readonly Dictionary<GCKind, long> _seenGc = new();
    private readonly ManualResetEventSlim _stop = new();
    private Thread? _thread;
    private long _lastMemoryTicks = long.MinValue;
    private int _lastMemoryBand;
    private long _lastStarvationTicks = long.MinValue;

    public void Start()
    {
        if (_thread is not null) return;
        foreach (var kind in new[] { GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background })
            _seenGc[kind] = GC.GetGCMemoryInfo(kind).Index; // only pauses after start count
        _stop.Reset();
        _thread = new Thread(Run) { IsBackground = true, Name = "sluice-system-monitor" };
        _thread.Start();
    }

    public void Stop()
    {
        _stop.Set();
        _thread?.Join();
        _thread = null;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Wait(_settings.Interval))
        {
            CheckMemory();
            CheckGcPauses();
            ProbeThreadPool();
        }
    }

    internal void CheckMemory()
    {
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (total <= 0) return;
        var used = Environment.WorkingSet;
        var ratio = (double)used / total;
        var band = ratio > _settings.MemoryOverloadRatio ? 2 : ratio > _settings.MemoryWarnRatio ? 1 : 0;
        var now = _time.GetTimestamp();
        var repeatDue = _time.GetElapsedTime(_lastMemoryTicks, now) >= _settings.MemoryRepeat || _lastMemoryTicks == long.MinValue;
        if (band > 0 && (band > _lastMemoryBand || repeatDue))
        {
            _lastMemoryTicks = now;
            emitter.Emit(new EventDraft(EventNames.MemoryUsage)
            {
                Level = band == 2 ? EventLevel.Error : EventLevel.Warning,
                Group = band == 2 ? EventCatalog.SystemOverloaded : null,
                Fields = [new("total", total), new("used", used)],
            });
        }
        _lastMemoryBand = band;
    }

    internal void CheckGcPauses()
    {
        foreach (var kind in _seenGc.Keys.ToArray())
        {
            var info = GC.GetGCMemoryInfo(kind);
            if (info.Index == _seenGc[kind]) continue;
            _seenGc[kind] = info.Index;
            var pause = TimeSpan.Zero;
            foreach (var p in info.PauseDurations) pause += p;
            if (pause < _settings.LongGc) continue;
            emitter.Emit(new EventDraft(EventNames.LongGc)
            {
                Fields = [new("pause_ms", Math.Round(pause.TotalMilliseconds, 3)), new("generation", info.Generation),
                    new("heap_bytes", info.HeapSizeBytes), new("kind", kind.ToString().ToLowerInvariant())],
            });
        }
    }

    internal void ProbeThreadPool()
    {
        // Not disposed: a starved pool may run the probe after we stopped waiting for it.
        var probe = new Probe(_time, _time.GetTimestamp());
        ThreadPool.UnsafeQueueUserWorkItem(static p => p.Run(), probe, preferLocal: false);
        // Wait a bit longer than the threshold: a late probe is reported with the delay seen so far.
        var delay = probe.Ran.Wait(_settings.StarvationDelay + TimeSpan.FromMilliseconds(50))
            ? _time.GetElapsedTime(probe.Queued, Volatile.Read(ref probe.RanAt))
            : _time.GetElapsedTime(probe.Queued);
        if (delay < _settings.StarvationDelay) return;
        if (_lastStarvationTicks != long.MinValue && _time.GetElapsedTime(_lastStarvationTicks) < _settings.StarvationRepeat) return;
        _lastStarvationTicks = _time.GetTimestamp();
        emitter.Emit(new EventDraft(EventNames.ThreadpoolStarvation)
        {
            Fields = [new("queue_length", ThreadPool.PendingWorkItemCount), new("threads", ThreadPool.ThreadCount),
                new("delay_ms", Math.Round(delay.TotalMilliseconds, 3))],
        });
    }

    private sealed class Probe(TimeProvider time, long queued)
    {
        public readonly long Queued = queued;
        public readonly ManualResetEventSlim Ran = new();
        public long RanAt;

        public void Run()
        {
            Volatile.Write(ref RanAt, time.GetTimestamp());
            Ran.Set();
        }
    }
}
