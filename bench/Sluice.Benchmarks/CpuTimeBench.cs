using System.Diagnostics;
using Sluice.Abstractions.Events;
using Sluice.Host.Events;
using Sluice.Host.Notify;

namespace Sluice.Benchmarks;

/// <summary>
/// `cpu`: the same loops as the BenchmarkDotNet classes, timed by the process's CPU time instead of
/// the wall clock, so other workers on a shared machine do not inflate the figures.
/// </summary>
internal static class CpuTimeBench
{
    public static void Run(int iterations)
    {
        var filters = new FilterBenchmarks();
        filters.Setup();
        Measure("filter: only event=stream_started", iterations, () => filters.OnlyEvent());
        Measure("filter: only event=stream_started,stream_stopped", iterations, () => filters.OnlyTwoEvents());
        Measure("filter: only event=stream_started,stream_stopped media=tnt", iterations, () => filters.OnlyTwoEventsAndMedia());
        Measure("filter: only event=stream_started media=cbc group=news", iterations, () => filters.OnlyEventMediaGroup());
        foreach (var blocks in new[] { 1, 10 })
        {
            var miss = new EmitMissBenchmarks { Blocks = blocks };
            miss.Setup();
            Measure($"emit miss, {blocks} blocks, filters run", iterations, miss.FilterMiss, allocations: true);
            Measure($"emit miss, {blocks} blocks, name no block wants", iterations, miss.NameMiss, allocations: true);
            miss.Cleanup();
        }
        var e2e = new EmitEndToEndBenchmarks();
        e2e.Setup();
        e2e.EmitToTenBlocksAndDrain(); // warm up
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var threadCpu = ThreadCpu.Now();
        var gcs = GC.CollectionCount(0);
        var gcPause = GC.GetTotalPauseDuration();
        var wall = Stopwatch.StartNew();
        const int rounds = 10;
        for (var i = 0; i < rounds; i++) e2e.EmitToTenBlocksAndDrain();
        wall.Stop();
        var emitterNs = (ThreadCpu.Now() - threadCpu).TotalNanoseconds;
        process.Refresh();
        var events = rounds * EmitEndToEndBenchmarks.Events;
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"{"end to end, 10 blocks, in-memory sinks (all threads)",-62} cpu {cpuSeconds * 1e9 / events,7:0.0} ns/event " +
            $"({events / cpuSeconds / 1e6:0.00} M events/cpu-s, {events * 10 / cpuSeconds / 1e6:0.0} M deliveries/cpu-s)  " +
            $"wall {events / wall.Elapsed.TotalSeconds / 1e6:0.00} M events/s  {e2e.AverageBatch():0.0} events/batch");
        Console.WriteLine($"{"  of which the emitting thread",-62} cpu {emitterNs / events,7:0.0} ns/event; " +
            $"{GC.CollectionCount(0) - gcs} gen0 GCs, {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:0} ms paused");
        e2e.Cleanup();
    }

    private static void Measure(string what, int n, Action body, bool allocations = false)
    {
        for (var i = 0; i < 10_000; i++) body();
        var process = Process.GetCurrentProcess();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) body();
        wall.Stop();
        process.Refresh();
        var cpuNs = (process.TotalProcessorTime - cpu).TotalNanoseconds / n;
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)n;
        Console.WriteLine($"{what,-62} cpu {cpuNs,7:0.0} ns/op ({1e3 / cpuNs,6:0.0} M/s)  wall {wall.Elapsed.TotalNanoseconds / n,7:0.0} ns/op" +
            (allocations ? $"  {bytes:0.##} B/op" : ""));
    }
}
