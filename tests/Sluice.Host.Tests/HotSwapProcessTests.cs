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
    public async Task Replacing_a_sink_plugin_under_load_loses_no_event_and_collects_the_old_context()
    {
        var work = Directory.CreateTempSubdirectory("sluice-swap-").FullName;
        var plugins = PluginsDirectory.CopyOf(work, "Sluice.Sinks.Log");
        await using var host = await SluiceProcess.StartAsync(
            "notify audit { sink log://audit.jsonl; only event=swap_probe; }\n", pluginsDir: plugins, workDir: work);

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
        var pluginDir = Path.Combine(plugins, "Sluice.Sinks.Log");
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.HostPlugins, "Sluice.Sinks.Log")))
        {
            var dest = Path.Combine(pluginDir, Path.GetFileName(file));
            File.Copy(file, dest, overwrite: true);
            File.SetLastWriteTimeUtc(dest, DateTime.UtcNow);
        }

        await host.WaitForOutputAsync("unloaded and collected", TimeSpan.FromSeconds(60));
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
