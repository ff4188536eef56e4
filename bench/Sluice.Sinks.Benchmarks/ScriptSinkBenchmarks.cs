using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.JavaScript;
using Sluice.Sinks.Lua;

namespace Sluice.Sinks.Benchmarks;

/// <summary>
/// One delivery to a script sink: the batch handed to the script, a loop over the events and
/// <c>json.encode(events)</c>, the run's result back. What a notify block waits for per batch.
/// </summary>
[MemoryDiagnoser]
public class ScriptSinkBenchmarks
{
    private const string LuaScript = """
        local n = 0
        for _, e in ipairs(events) do if e.media then n = n + 1 end end
        local text = json.encode(events)
        """;

    private const string JsScript = """
        let n = 0;
        for (const e of events) if (e.media) n++;
        const text = json.encode(events);
        """;

    [Params("lua", "javascript")]
    public string Engine { get; set; } = "";

    [Params(1, 100)]
    public int Events { get; set; }

    private string _folder = "";
    private IEventSink _sink = null!;
    private IReadOnlyList<SluiceEvent> _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        var (factory, file, text) = Engine == "lua"
            ? ((IEventSinkFactory)new LuaSinkFactory(), "bench.lua", LuaScript)
            : (new JsSinkFactory(), "bench.js", JsScript);
        File.WriteAllText(Path.Combine(_folder, file), text);
        _sink = factory.Create(new SinkContext
        {
            BlockName = "bench",
            Spec = file,
            Location = new SourceLocation("bench.conf", 1, 1),
            Options = [],
            ConfigDirectory = _folder,
            ServerName = "bench",
            Logger = NullLogger.Instance,
        });
        _batch = Enumerable.Range(0, Events).Select(i => new SluiceEvent("play_closed", $"id{i}", 1_795_255_200_123 + i, "bench",
            EventLevel.Info, $"channel{i % 50:00}", null,
            [new("ip", "10.0.0.1"), new("user_agent", "VLC/3.0.20"), new("bytes", 1_843_200L + i), new("duration", 61.5)])).ToList();
        Deliver(); // start-up (a worker process, an engine) is not part of the per-batch figure
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sink.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public void Deliver() => _sink.DeliverAsync(_batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
}
