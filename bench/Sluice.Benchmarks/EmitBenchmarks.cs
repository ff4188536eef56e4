using BenchmarkDotNet.Attributes;
using Sluice.Abstractions.Events;
using Sluice.Host.Notify;

namespace Sluice.Benchmarks;

/// <summary>
/// Emit when no block wants the event. <c>NameMiss</c>: no block names <c>stream_started</c> (one lookup);
/// <c>FilterMiss</c>: four blocks name it and their filters run and miss on media.
/// </summary>
[MemoryDiagnoser]
public class EmitMissBenchmarks
{
    [Params(1, 10)]
    public int Blocks { get; set; }

    private EventRouter _router = null!;
    private readonly EventField[] _fields = [new("ip", "10.0.0.1"), new("bytes", 1_843_200L)];

    [GlobalSetup]
    public void Setup()
    {
        var factory = new MemorySinkFactory();
        _router = new EventRouter(new NotifyRouterSettings { ServerName = "bench" }, new BenchContributions(factory));
        var blocks = Enumerable.Range(0, Blocks).Select(i => i switch
        {
            < 4 => BenchConfig.Block($"b{i}", $"mem://{i}", only: $"event=stream_started,stream_stopped media=tnt{i}"),
            < 7 => BenchConfig.Block($"b{i}", $"mem://{i}", only: "group=system_overloaded"),
            _ => BenchConfig.Block($"b{i}", $"mem://{i}", only: $"event=play_started,play_opened country=RU{i}", except: "media=test"),
        }).ToArray();
        _router.ApplyAsync(new NotifyOptions(blocks)).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _router.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public void FilterMiss() => _router.Emit(new EventDraft("stream_started") { Media = "cbc", Fields = _fields });

    [Benchmark]
    public void NameMiss() => _router.Emit(new EventDraft("play_closed") { Media = "cbc", Fields = _fields });
}

/// <summary>Emit to ten blocks with in-memory sinks and wait until every sink acknowledged every event.</summary>
[MemoryDiagnoser]
public class EmitEndToEndBenchmarks
{
    public const int Events = 100_000;
    private EventRouter _router = null!;
    private MemorySinkFactory _factory = null!;
    private readonly EventField[] _fields = [new("ip", "10.0.0.1")];
    private readonly string[] _media = Enumerable.Range(0, 50).Select(i => $"channel{i:00}").ToArray();

    [GlobalSetup]
    public void Setup()
    {
        _factory = new MemorySinkFactory();
        _router = new EventRouter(new NotifyRouterSettings { ServerName = "bench" }, new BenchContributions(_factory));
        var blocks = Enumerable.Range(0, 10).Select(i => BenchConfig.Block($"b{i}", $"mem://{i}", except: "event=never")).ToArray();
        _router.ApplyAsync(new NotifyOptions(blocks)).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _router.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Events per sink call, over every block so far (bigger batches: fewer wake-ups per event).</summary>
    public double AverageBatch()
    {
        var stats = _router.Stats();
        return stats.Sum(s => s.Delivered) / (double)Math.Max(1, stats.Sum(s => s.DeliveredBatches));
    }

    /// <summary>Time per emitted event; each event is delivered to all ten blocks.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void EmitToTenBlocksAndDrain()
    {
        var target = Interlocked.Read(ref _factory.Delivered) + Events * 10L;
        _factory.Expect(target);
        for (var i = 0; i < Events; i++)
            _router.Emit(new EventDraft("stream_started") { Media = _media[i % _media.Length], Fields = _fields });
        _factory.WaitFor(target);
    }
}
