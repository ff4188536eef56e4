using BenchmarkDotNet.Attributes;
using Sluice.Abstractions.Events;
using Sluice.Host.Events;
using Sluice.Host.Notify;

namespace Sluice.Benchmarks;

/// <summary>The spec's four filter examples against <c>{event: "stream_started", media: "cbc"}</c>, on a draft.</summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private CompiledFilter _one = null!, _two = null!, _twoAndMedia = null!, _threeKeys = null!;
    private readonly EventDefinition? _definition = EventCatalog.Find("stream_started");
    private readonly EventField[] _fields = [new("ip", "10.0.0.1"), new("country", "RU")];

    [GlobalSetup]
    public void Setup()
    {
        _one = CompiledFilter.Compile(BenchConfig.Block("a", "mem://a", only: "event=stream_started"));
        _two = CompiledFilter.Compile(BenchConfig.Block("a", "mem://a", only: "event=stream_started,stream_stopped"));
        _twoAndMedia = CompiledFilter.Compile(BenchConfig.Block("a", "mem://a", only: "event=stream_started,stream_stopped media=tnt"));
        _threeKeys = CompiledFilter.Compile(BenchConfig.Block("a", "mem://a", only: "event=stream_started media=cbc group=news"));
    }

    private bool Eval(CompiledFilter filter)
    {
        var draft = new EventDraft("stream_started") { Media = "cbc", Fields = _fields };
        return filter.Passes(new EventView(draft, "bench", _definition));
    }

    [Benchmark] public bool OnlyEvent() => Eval(_one);
    [Benchmark] public bool OnlyTwoEvents() => Eval(_two);
    [Benchmark] public bool OnlyTwoEventsAndMedia() => Eval(_twoAndMedia);
    [Benchmark] public bool OnlyEventMediaGroup() => Eval(_threeKeys);
}
