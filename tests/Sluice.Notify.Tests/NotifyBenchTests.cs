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
        var result = await NotifyBench.RunAsync(options, contributions, 10_000, new NotifyRouterSettings { ServerName = "edge-7" });
        Assert.True(result.Drained);
        // Each source_started/source_closed also goes out under its older name.
        Assert.Equal(12_000, result.Delivered["all"]);
        Assert.Equal(2_000, result.Delivered["streams"]);
        Assert.Equal(0, result.Delivered["none"]);
        Assert.Equal(12_000, factory.Sink("collect://all").Events.Count);
        Assert.All(factory.Sink("collect://all").Events, e =>
        {
            Assert.Equal("edge-7", e.Server);
            Assert.True(e.TryGet(NotifyBench.SyntheticField, out var synthetic) && synthetic.AsBoolean);
        });
        using var doc = JsonDocument.Parse(result.ToJson());
        Assert.Equal(10_000, doc.RootElement.GetProperty("events").GetInt32());
        Assert.True(doc.RootElement.GetProperty("emitted_per_s").GetDouble() > 0);
        Assert.True(doc.RootElement.GetProperty("emit_ns_p99").GetDouble() >= doc.RootElement.GetProperty("emit_ns_p50").GetDouble());
    }

    [Fact]
    public async Task By_default_the_blocks_deliver_to_counting_sinks_and_their_own_sinks_see_nothing()
    {
        var factory = new CollectingSinkFactory();
        var contributions = new TestContributions(factory);
        var spool = Directory.CreateTempSubdirectory("sluice-bench-spool-").FullName;
        try
        {
            var options = Conf.Valid($$"""
                notify all { sink collect://all; spool {{spool}}; }
                notify streams { sink collect://streams; only event=stream_started,stream_stopped; resend_notifications_limit 100; }
                """, contributions);
            var result = await NotifyBench.RunAsync(options, contributions, 10_000, intoSinks: false);
            Assert.True(result.Drained);
            Assert.False(result.IntoSinks);
            Assert.Equal(12_000, result.Delivered["all"]);
            Assert.Equal(2_000, result.Delivered["streams"]);
            Assert.Equal(0, result.Dropped["all"]);
            Assert.Empty(factory.Created);
            Assert.Empty(Directory.EnumerateFileSystemEntries(spool));
            using var doc = JsonDocument.Parse(result.ToJson());
            Assert.Equal("counting", doc.RootElement.GetProperty("sinks").GetString());
        }
        finally { Directory.Delete(spool, true); }
    }
}
