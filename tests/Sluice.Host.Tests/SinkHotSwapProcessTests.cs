using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Host.Tests.Support;
using Xunit.Abstractions;

namespace Sluice.Host.Tests;

/// <summary>
/// Issue 9's check, for each sink plugin of the repository against a real receiver: while events flow
/// into a notify block, the plugin's folder is overwritten in place (a new build would do the same);
/// the running host swaps it, every event arrives exactly once, nothing fails or is dropped, and the
/// host proves the old context was collected. Only the sink specs and script API are used, so the test
/// applies to whichever implementation a plugin folder holds (the JavaScript sink on Node.js or V8).
/// </summary>
public sealed class SinkHotSwapProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("Sluice.Sinks.Http")]
    [InlineData("Sluice.Sinks.Log")]
    [InlineData("Sluice.Sinks.Lua")]
    [InlineData("Sluice.Sinks.JavaScript")]
    [InlineData("Sluice.Sinks.Email")]
    public async Task A_hot_swap_of_the_sink_plugin_under_load_loses_no_event_and_collects_the_old_context(string plugin)
    {
        var work = Directory.CreateTempSubdirectory("sluice-sink-swap-").FullName;
        await using var receiver = await Receiver.StartAsync(plugin, work);
        var plugins = PluginsDirectory.CopyOf(work, plugin);
        await using var host = await SluiceProcess.StartAsync(
            $"notify probe {{\n  {receiver.Directives}\n  only event=swap_probe;\n}}\n", pluginsDir: plugins, workDir: work);

        long posted = 0;
        var swapped = false;
        long postedAtSwap = 0;
        using var stop = new CancellationTokenSource(Bound);
        var load = Task.Run(async () =>
        {
            // Events flow before, during and after the swap: until 200 more were posted after it was done.
            while (!Volatile.Read(ref swapped) || Interlocked.Read(ref posted) < Interlocked.Read(ref postedAtSwap) + 200)
            {
                stop.Token.ThrowIfCancellationRequested();
                var first = Interlocked.Read(ref posted) + 1;
                var events = string.Join(",", Enumerable.Range(0, 5).Select(i => $"{{\"event\":\"swap_probe\",\"seq\":{first + i}}}"));
                using var body = new StringContent($"[{events}]", Encoding.UTF8, "application/json");
                using var r = await host.Http.PostAsync("/api/v1/events", body, stop.Token);
                r.EnsureSuccessStatusCode();
                Interlocked.Add(ref posted, 5);
            }
        });
        await WaitAsync(async () => (await receiver.ReceivedAsync()).Count >= 50 || load.IsCompleted, "events arriving before the swap");

        var copied = PluginsDirectory.OverwriteInPlace(plugins, plugin);
        var postedAtCopy = Interlocked.Read(ref posted);
        var collected = await host.WaitForOutputAsync($"plugin {plugin} 0.1.0 unloaded and collected", Bound);
        Interlocked.Exchange(ref postedAtSwap, Interlocked.Read(ref posted));
        Volatile.Write(ref swapped, true);
        await load.WaitAsync(Bound);
        var total = Interlocked.Read(ref posted);

        IReadOnlyList<long> received = [];
        await WaitAsync(async () => (received = await receiver.ReceivedAsync()).Count >= total, $"all {total} events at the receiver");
        output.WriteLine($"{plugin}: {copied} files overwritten after {postedAtCopy} events; swapped and collected after {postedAtSwap}; {total} in all; {collected}");
        Assert.DoesNotContain("not collected", host.Output);
        Assert.Contains($"plugin {plugin} 0.1.0 replaced by 0.1.0", host.Output);
        Assert.True(postedAtSwap > postedAtCopy, "events flowed while the swap was under way");
        Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), received.Order());   // each exactly once
        using var stats = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/notify"));
        var block = stats.RootElement.GetProperty("handlers").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "probe");
        Assert.Equal((total, 0L, 0L), (block.GetProperty("delivered").GetInt64(), block.GetProperty("failed_batches").GetInt64(), block.GetProperty("dropped").GetInt64()));
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {what} within {Bound}");
            await Task.Delay(50);
        }
    }

    /// <summary>A real receiver for one sink type and the block directives that send to it.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly Func<Task<IReadOnlyList<long>>> _received;
        private readonly IAsyncDisposable? _server;

        private Receiver(string directives, Func<Task<IReadOnlyList<long>>> received, IAsyncDisposable? server)
        {
            Directives = directives;
            _received = received;
            _server = server;
        }

        public string Directives { get; }

        /// <summary>The <c>seq</c> of every event received so far, in arrival order.</summary>
        public Task<IReadOnlyList<long>> ReceivedAsync() => _received();

        public static async Task<Receiver> StartAsync(string plugin, string work)
        {
            switch (plugin)
            {
                case "Sluice.Sinks.Http":
                {
                    var http = await HttpReceiver.StartAsync();
                    return new Receiver($"sink {http.BaseUrl}/hook;", () => Task.FromResult<IReadOnlyList<long>>(EventSeqs(http)), http);
                }
                case "Sluice.Sinks.Log":
                    return new Receiver("sink log://probe.jsonl;", async () =>
                        (await EventLog.ReadAsync(Path.Combine(work, "probe.jsonl"))).Select(e => e.GetProperty("seq").GetInt64()).ToArray(), null);
                case "Sluice.Sinks.Lua":
                {
                    var http = await HttpReceiver.StartAsync();
                    await File.WriteAllTextAsync(Path.Combine(work, "probe.lua"), """
                        local seqs = {}
                        for i, e in ipairs(events) do seqs[i] = e.seq end
                        http.post(args.target, json.encode(seqs))
                        """);
                    return new Receiver($"sink probe.lua;\n  target {http.BaseUrl}/lua;", () => Task.FromResult<IReadOnlyList<long>>(ScriptSeqs(http)), http);
                }
                case "Sluice.Sinks.JavaScript":
                {
                    var http = await HttpReceiver.StartAsync();
                    await File.WriteAllTextAsync(Path.Combine(work, "probe.js"),
                        "await http.post(args.target, json.encode(events.map(e => e.seq)));\n");
                    return new Receiver($"sink probe.js;\n  target {http.BaseUrl}/js;", () => Task.FromResult<IReadOnlyList<long>>(ScriptSeqs(http)), http);
                }
                case "Sluice.Sinks.Email":
                {
                    var smtp = await SmtpServer.StartAsync();
                    return new Receiver(
                        $"sink smtp://127.0.0.1:{smtp.Port};\n  from sluice@example.test;\n  to ops@example.test;\n  template \"{{{{#each events}}}}[{{{{seq}}}}]{{{{/each}}}}\";",
                        async () => (await smtp.WaitForMessagesAsync(smtp.MessageCount))
                            .SelectMany(m => Regex.Matches(m.Body, @"\[(\d+)\]").Select(x => long.Parse(x.Groups[1].Value))).ToArray(),
                        smtp);
                }
                default:
                    throw new ArgumentException($"no receiver for {plugin}", nameof(plugin));
            }
        }

        /// <summary>The HTTP sink's bodies: JSON arrays of events.</summary>
        private static long[] EventSeqs(HttpReceiver http) =>
            http.Requests.SelectMany(r => JsonDocument.Parse(r.Body).RootElement.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToArray()).ToArray();

        /// <summary>The scripts' bodies: JSON arrays of seq numbers.</summary>
        private static long[] ScriptSeqs(HttpReceiver http) =>
            http.Requests.SelectMany(r => JsonDocument.Parse(r.Body).RootElement.EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToArray();

        public async ValueTask DisposeAsync()
        {
            if (_server is not null) await _server.DisposeAsync();
        }
    }
}
