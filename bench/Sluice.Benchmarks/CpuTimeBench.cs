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
