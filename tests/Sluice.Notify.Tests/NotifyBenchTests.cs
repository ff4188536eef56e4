using System.Text.Json;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class NotifyBenchTests
{
    [Fact]
    public async Task Bench_reports_what_each_sink_acknowledged()
    {
        var factory = new CollectingSinkFactory();
        var contributions = new TestContributions(factory);
        var options = Conf.Valid("""
            notify all { sink collect://all; }
            notify streams { sink collect://streams; only event=stream_started,stream_stopped; }
            notify none { sink collect://none; only event=nothing; }
            """, contributions);
        var result = await NotifyBench.RunAsync(options, contributions, 10_000);
        Assert.True(result.Drained);
        // Each source_started/source_closed also goes out under its older name.
        Assert.Equal(12_000, result.Delivered["all"]);
        Assert.Equal(2_000, result.Delivered["streams"]);
        Assert.Equal(0, result.Delivered["none"]);
        Assert.Equal(12_000, factory.Sink("collect://all").Events.Count);
        using var doc = JsonDocument.Parse(result.ToJson());
        Assert.Equal(10_000, doc.RootElement.GetProperty("events").GetInt32());
        Assert.True(doc.RootElement.GetProperty("emitted_per_s").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("emit_ns_p99").GetDouble() >= doc.RootElement.GetProperty("emit_ns_p50").GetDouble());
    }
}
