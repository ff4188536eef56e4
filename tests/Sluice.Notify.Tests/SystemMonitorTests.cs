using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Events;
using Sluice.Host.Events;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class SystemMonitorTests
{
    private static async Task<RouterFixture> Router() =>
        await new RouterFixture().Apply("notify all { sink collect://all; }");

    [Fact]
    public void Memory_above_the_warn_ratio_emits_memory_usage_with_total_and_used_once_per_band_and_again_after_the_repeat_time()
    {
        var clock = new FakeTimeProvider();
        var events = new Drafts();
        var monitor = new SystemMonitor(events, new SystemMonitorSettings { MemoryWarnRatio = 0, MemoryOverloadRatio = 1.0, MemoryRepeat = TimeSpan.FromMinutes(1) }, clock);
        monitor.CheckMemory();
        clock.Advance(TimeSpan.FromSeconds(59));
        monitor.CheckMemory(); // same band, within the repeat time: nothing new
        var e = Assert.Single(events.All);
        Assert.Equal(("memory_usage", EventLevel.Warning, null), (e.Name, e.Level, e.Group));
        var total = e.Fields.Single(f => f.Name == "total").Value.AsInteger;
        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, total);
        Assert.InRange(e.Fields.Single(f => f.Name == "used").Value.AsInteger, 1, total);

        clock.Advance(TimeSpan.FromSeconds(1));
        monitor.CheckMemory(); // still above the ratio, a minute later: said again
        Assert.Equal(2, events.All.Count(x => x.Name == "memory_usage"));
    }

    [Fact]
    public async Task Memory_above_the_overload_ratio_carries_group_system_overloaded()
    {
        await using var f = await Router();
        new SystemMonitor(f.Router, new SystemMonitorSettings { MemoryWarnRatio = 0, MemoryOverloadRatio = 0 }).CheckMemory();
        await Conf.WaitUntil(() => f.Stats("all").Delivered == 1);
        var e = f.Factory.Sink("collect://all").Events.Single();
        Assert.Equal("system_overloaded", e.Group);
        Assert.Equal(EventLevel.Error, e.Level);
    }

    [Fact]
    public async Task A_gc_pause_over_the_threshold_emits_long_gc_with_pause_generation_and_heap()
    {
        await using var f = await new RouterFixture().Apply("notify perf { sink collect://perf; only group=system_overloaded; }");
        using var monitor = new SystemMonitor(f.Router, new SystemMonitorSettings { LongGc = TimeSpan.Zero, Interval = TimeSpan.FromMilliseconds(20), StarvationDelay = TimeSpan.FromHours(1) });
        monitor.Start();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        await Conf.WaitUntil(() => f.Factory.Sink("collect://perf").Events.Any(e => e.Name == "long_gc"), what: "long_gc");
        monitor.Stop();
        var e = f.Factory.Sink("collect://perf").Events.First(e => e.Name == "long_gc");
        Assert.True(e["pause_ms"].AsNumber >= 0);
        Assert.InRange(e["generation"].AsInteger, 0, 2);
        Assert.True(e["heap_bytes"].AsInteger > 0);
    }

    [Fact]
    public async Task A_thread_pool_probe_slower_than_the_threshold_emits_threadpool_starvation()
    {
        await using var f = await new RouterFixture().Apply("notify perf { sink collect://perf; only event=threadpool_starvation; }");
        new SystemMonitor(f.Router, new SystemMonitorSettings { StarvationDelay = TimeSpan.Zero }).ProbeThreadPool();
        await Conf.WaitUntil(() => f.Stats("perf").Delivered == 1);
        var e = f.Factory.Sink("collect://perf").Events.Single();
        Assert.Equal("system_overloaded", e.Group);
        Assert.True(e["threads"].AsInteger >= 1);
        Assert.True(e["delay_ms"].AsNumber >= 0);
        Assert.True(e.TryGet("queue_length", out _));
    }

    [Fact]
    public async Task Host_events_carry_their_fields()
    {
        await using var f = await Router();
        f.Router.ServerStarted("0.1.0");
        f.Router.ConfigReloaded("/etc/sluice/sluice.conf");
        f.Router.ListenerStart("0.0.0.0:8080", "http");
        f.Router.ListenerFailure("0.0.0.0:80", "http", "address in use");
        await Conf.WaitUntil(() => f.Stats("all").Delivered == 4);
        var events = f.Factory.Sink("collect://all").Events;
        Assert.Equal(["server_started", "config_reloaded", "listener_start", "listener_failure"], events.Select(e => e.Name));
        Assert.Equal(EventLevel.Error, events[3].Level);
        Assert.Equal("address in use", events[3]["error"].AsString);
        Assert.Equal("0.0.0.0:8080", events[2]["address"].AsString);
    }

    /// <summary>Keeps each draft as emitted (name, level, group, fields), synchronously.</summary>
    private sealed class Drafts : IEventEmitter
    {
        private readonly List<(string Name, EventLevel? Level, string? Group, EventField[] Fields)> _all = [];

        public IReadOnlyList<(string Name, EventLevel? Level, string? Group, EventField[] Fields)> All { get { lock (_all) return _all.ToArray(); } }

        public void Emit(in EventDraft draft)
        {
            var copy = (draft.Name, draft.Level, draft.Group, draft.Fields.ToArray());
            lock (_all) _all.Add(copy);
        }

        public void Emit(SluiceEvent evt) => throw new NotSupportedException();
    }
}
