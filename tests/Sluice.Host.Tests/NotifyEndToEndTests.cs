using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>Events through the real host: injected by API, the host's own, into a log:// sink plugin.</summary>
public sealed class NotifyEndToEndTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string[]> WaitForLinesAsync(string path, Func<string[], bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path))
            {
                await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                lines = (await new StreamReader(s).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (done(lines)) return lines;
            }
            await Task.Delay(100);
        }
        return lines;
    }

    [Fact]
    public async Task Injected_and_host_events_reach_the_log_sink_filtered_by_only_and_except()
    {
        await using var host = await SluiceProcess.StartAsync("""
            hostname node-a;
            notify everything { sink log://all.jsonl; except media=*; }
            notify streams { sink log://streams.jsonl; only event=stream_started,stream_stopped media=cbc; }
            """);
        using (var r = await host.Http.PostAsync("/api/v1/events", Json("""
            [{"event":"stream_started","media":"cbc"},{"event":"stream_started","media":"tnt"},{"event":"my_integration","count":5}]
            """)))
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());

        var all = await WaitForLinesAsync(Path.Combine(host.WorkDirectory, "all.jsonl"),
            l => l.Any(x => x.Contains("my_integration")) && l.Any(x => x.Contains("server_started")), TimeSpan.FromSeconds(20));
        Assert.Contains(all, l => l.Contains("\"event\":\"server_started\"") && l.Contains("\"server\":\"node-a\""));
        Assert.Contains(all, l => l.Contains("\"event\":\"my_integration\"") && l.Contains("\"count\":5"));
        Assert.DoesNotContain(all, l => l.Contains("\"media\""));

        var streams = await WaitForLinesAsync(Path.Combine(host.WorkDirectory, "streams.jsonl"), l => l.Length >= 1, TimeSpan.FromSeconds(20));
        var only = Assert.Single(streams);
        Assert.Contains("\"media\":\"cbc\"", only);

        // The counters move once the sink returns, a moment after the line is in the file.
        var handlers = await WaitForHandlersAsync(host, h => h["streams"].GetProperty("delivered").GetInt64() >= 1, TimeSpan.FromSeconds(10));
        Assert.Equal(1, handlers["streams"].GetProperty("delivered").GetInt64());
        Assert.Equal(0, handlers["everything"].GetProperty("failed_batches").GetInt64());
    }

    [Fact]
    public async Task Malformed_injected_events_get_400_with_a_clear_message()
    {
        await using var host = await SluiceProcess.StartAsync("");
        using (var r = await host.Http.PostAsync("/api/v1/events", Json("{\"event\": ")))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await host.Http.PostAsync("/api/v1/events", Json("{\"media\": \"cbc\"}")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("event", await r.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Unclaimed_sink_spec_is_a_config_error_listing_the_sink_types()
    {
        var dir = Directory.CreateTempSubdirectory("sluice-sinkspec-").FullName;
        try
        {
            var path = Path.Combine(dir, "s.conf");
            await File.WriteAllTextAsync(path, "notify x {\n  sink carrier-pigeon://coop;\n}\n");
            var (code, _, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
            Assert.Equal(1, code);
            Assert.Contains($"{path}:2:", stderr);
            Assert.Contains("http", stderr);
            Assert.Contains("log", stderr);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Notify_explain_prints_the_decision_of_each_block()
    {
        var dir = Directory.CreateTempSubdirectory("sluice-explain-").FullName;
        try
        {
            var path = Path.Combine(dir, "e.conf");
            await File.WriteAllTextAsync(path, """
                notify a { sink log://a.log; only event=stream_started; }
                notify b { sink log://b.log; only event=stream_started,stream_stopped media=tnt; }
                notify c { sink log://c.log; except media=*; }
                """);
            var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("notify", "explain", "-c", path,
                "{\"event\":\"stream_started\",\"media\":\"cbc\"}", "--json");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            var r = doc.RootElement.EnumerateArray().ToArray();
            Assert.Equal(["a", "b", "c"], r.Select(x => x.GetProperty("handler").GetString()));
            Assert.Equal([true, false, false], r.Select(x => x.GetProperty("deliver").GetBoolean()));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Notify_bench_counts_in_memory_by_default_and_leaves_the_sinks_and_spools_alone()
    {
        var dir = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        try
        {
            var path = Path.Combine(dir, "b.conf");
            await File.WriteAllTextAsync(path, """
                notify streams { sink log://streams.jsonl; only event=stream_started,stream_stopped; spool spool; }
                notify quiet { sink log://quiet.jsonl; only event=never_emitted; }
                """);
            var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("notify", "bench", "-c", path, "--events", "20000", "--json");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            var r = doc.RootElement;
            Assert.Equal(20000, r.GetProperty("events").GetInt32());
            Assert.Equal("counting", r.GetProperty("sinks").GetString());
            Assert.True(r.GetProperty("emitted_per_s").GetDouble() > 0);
            Assert.True(r.GetProperty("emit_ns_p99").GetDouble() >= r.GetProperty("emit_ns_p50").GetDouble());
            // The synthetic mix has stream_started and stream_stopped once in every ten events.
            Assert.Equal(4000, r.GetProperty("delivered").GetProperty("streams").GetInt64());
            Assert.Equal(0, r.GetProperty("delivered").GetProperty("quiet").GetInt64());
            Assert.Equal(0, r.GetProperty("dropped").GetProperty("streams").GetInt64());
            Assert.Equal(new[] { "b.conf" }, Directory.EnumerateFileSystemEntries(dir).Select(e => Path.GetFileName(e)!).ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Notify_bench_into_sinks_delivers_synthetic_events_that_name_the_configured_hostname()
    {
        var dir = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
        try
        {
            var path = Path.Combine(dir, "b.conf");
            await File.WriteAllTextAsync(path, """
                hostname edge-7.example;
                notify streams { sink log://streams.jsonl; only event=stream_started,stream_stopped; }
                notify quiet { sink log://quiet.jsonl; only event=never_emitted; }
                """);
            var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("notify", "bench", "-c", path, "--events", "20000", "--json", "--into-sinks");
            Assert.True(code == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            Assert.Equal("configured", doc.RootElement.GetProperty("sinks").GetString());
            Assert.Equal(4000, doc.RootElement.GetProperty("delivered").GetProperty("streams").GetInt64());
            var lines = await File.ReadAllLinesAsync(Path.Combine(dir, "streams.jsonl"));
            Assert.Equal(4000, lines.Length);
            Assert.All(lines, line =>
            {
                using var e = JsonDocument.Parse(line);
                Assert.Equal("edge-7.example", e.RootElement.GetProperty("server").GetString());
                Assert.True(e.RootElement.GetProperty("synthetic").GetBoolean());
            });
        }
        finally { Directory.Delete(dir, true); }
    }

    private static async Task<Dictionary<string, JsonElement>> WaitForHandlersAsync(SluiceProcess host, Func<Dictionary<string, JsonElement>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/notify"));
            var handlers = doc.RootElement.GetProperty("handlers").EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!, h => h.Clone());
            if (done(handlers) || DateTime.UtcNow > deadline) return handlers;
            await Task.Delay(50);
        }
    }
}
