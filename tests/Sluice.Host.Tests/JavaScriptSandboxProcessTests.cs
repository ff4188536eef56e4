using System.Text;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// Hostile JavaScript in the real host: a script that tries require('fs'), process.exit(), an endless
/// loop or unbounded allocation fails that batch only; the host, the other blocks and the next
/// batch of the same block go on.
/// </summary>
public sealed class JavaScriptSandboxProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_hostile_batch_fails_alone_and_the_host_and_other_blocks_run_on()
    {
        var work = Directory.CreateTempSubdirectory("sluice-js-sandbox-").FullName;
        File.WriteAllText(Path.Combine(work, "hostile.js"), """
            const mode = events[0].mode;
            if (mode === 'require') require('fs').writeFileSync('/tmp/sluice-js-escaped', 'x');
            if (mode === 'exit') process.exit(3);
            if (mode === 'loop') for (;;) {}
            if (mode === 'alloc') { const t = []; for (let i = 0; ; i++) t.push('x'.repeat(1000) + i); }
            log.info('batch', mode, 'ran');
            """);
        // The allocating batch has a block of its own with a generous time limit, so that on a loaded
        // machine it meets its memory limit, not its time limit.
        await using var host = await SluiceProcess.StartAsync("""
            notify hostile { sink hostile.js; only event=probe mode=require,exit,loop,ok; buffer false; timeout 1s; }
            notify hog { sink hostile.js; only event=probe mode=alloc; timeout 60s; memory 16M; }
            notify audit { sink log://audit.jsonl; only event=probe; }
            """, workDir: work);

        string[] modes = ["require", "exit", "loop", "alloc", "ok"];
        for (var i = 0; i < modes.Length; i++)
        {
            using var body = new StringContent($$"""{"event":"probe","mode":"{{modes[i]}}","seq":{{i}}}""", Encoding.UTF8, "application/json");
            using var r = await host.Http.PostAsync("/api/v1/events", body);
            r.EnsureSuccessStatusCode();
            var handled = i + 1;
            Assert.True(await UntilAsync(async () => Handled(await Handlers(host), "hostile") + Handled(await Handlers(host), "hog") >= handled),
                $"the hostile blocks handled batch {handled}");
        }

        var handlers = await Handlers(host);
        Assert.Equal((3L, 1L), (handlers["hostile"].GetProperty("failed_batches").GetInt64(), handlers["hostile"].GetProperty("delivered").GetInt64()));
        Assert.Equal(1, handlers["hog"].GetProperty("failed_batches").GetInt64());
        Assert.Equal(5, Delivered(await Handlers(host), "audit"));
        Assert.False(host.HasExited);
        Assert.False(File.Exists("/tmp/sluice-js-escaped"));
        await host.WaitForOutputAsync("hostile.js: batch ok ran", Bound);
        foreach (var reason in new[] { "require('fs') is not available", "process is not defined", "time limit exceeded", "memory limit exceeded" })
            Assert.True(host.Output.Contains(reason, StringComparison.Ordinal), $"the log says '{reason}':\n{host.Output}");
    }

    private static long Delivered(Dictionary<string, JsonElement> handlers, string name) => handlers[name].GetProperty("delivered").GetInt64();

    private static long Handled(Dictionary<string, JsonElement> handlers, string name) =>
        handlers[name].GetProperty("delivered").GetInt64() + handlers[name].GetProperty("failed_batches").GetInt64();

    private static async Task<Dictionary<string, JsonElement>> Handlers(SluiceProcess host)
    {
        using var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/notify"));
        return doc.RootElement.GetProperty("handlers").EnumerateArray().ToDictionary(h => h.GetProperty("name").GetString()!, h => h.Clone());
    }

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
