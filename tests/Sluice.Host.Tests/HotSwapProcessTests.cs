using System.Text;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// The operator's view of hot swap: the host runs, events flow into a log:// sink, and the sink
/// plugin's files are overwritten in place. The host swaps the plugin, unloads the old context
/// (and says it was collected), and no event is lost or written twice.
/// </summary>
public sealed class HotSwapProcessTests
{
    [Fact]
    public Task Replacing_a_sink_plugin_under_load_loses_no_event_and_collects_the_old_context() =>
        SwapUnderLoad("Sluice.Sinks.Log", "notify audit { sink log://audit.jsonl; only event=swap_probe; }\n");

    /// <summary>
    /// The same for the JavaScript sink, whose scripts call into .NET (http.post): each batch is posted back
    /// to the host's API as js_seen events, which a log block writes. Its old context must be collected too
    /// (ClearScript is shared from the host; a plugin that loaded its own would never be).
    /// </summary>
    [Fact]
    public Task Replacing_the_javascript_sink_plugin_under_load_loses_no_event_and_collects_the_old_context()
    {
        var work = Directory.CreateTempSubdirectory("sluice-swap-js-").FullName;
        File.WriteAllText(Path.Combine(work, "relay.js"), """
            const seen = events.map((e) => ({ event: 'js_seen', seq: e.seq }));
            const { status, body } = http.post(args.api, json.encode(seen));
            if (status !== 202) throw new Error(`the API answered ${status} ${body}`);
            """);
        return SwapUnderLoad("Sluice.Sinks.JavaScript", """
            notify relay { sink relay.js; only event=swap_probe; api http://127.0.0.1:{PORT}/api/v1/events; }
            notify audit { sink log://audit.jsonl; only event=js_seen; }
            http 127.0.0.1:{PORT};
            """, work, "Sluice.Sinks.Log");
    }

    private static async Task SwapUnderLoad(string plugin, string config, string? work = null, params string[] otherPlugins)
    {
        work ??= Directory.CreateTempSubdirectory("sluice-swap-").FullName;
        var plugins = PluginFolder.CopyOf(work, [plugin, .. otherPlugins]);
        await using var host = await SluiceProcess.StartAsync(config, pluginsDir: plugins, workDir: work);

        const int total = 600;
        var posting = Task.Run(async () =>
        {
            for (var i = 1; i <= total; i++)
            {
                using var body = new StringContent($"{{\"event\":\"swap_probe\",\"seq\":{i}}}", Encoding.UTF8, "application/json");
                using var r = await host.Http.PostAsync("/api/v1/events", body);
                r.EnsureSuccessStatusCode();
                await Task.Delay(5);
            }
        });

        // Overwrite the plugin's files in place while events flow (a new build would do the same).
        await Task.Delay(500);
        var pluginDir = Path.Combine(plugins, plugin);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.HostPlugins, plugin)))
        {
            var dest = Path.Combine(pluginDir, Path.GetFileName(file));
            File.Copy(file, dest, overwrite: true);
            File.SetLastWriteTimeUtc(dest, DateTime.UtcNow);
        }

        await host.WaitForOutputAsync("unloaded and collected", TimeSpan.FromSeconds(60));   // only one plugin is replaced
        await posting;

        var path = Path.Combine(work, "audit.jsonl");
        var seqs = new List<long>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            seqs.Clear();
            await using (var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                foreach (var line in (await new StreamReader(s).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    seqs.Add(JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt64());
            }
            if (seqs.Count >= total) break;
            await Task.Delay(200);
        }
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
        Assert.Contains("replaced", host.Output, StringComparison.OrdinalIgnoreCase);
    }
}
