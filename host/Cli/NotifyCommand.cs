using System.CommandLine;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;

namespace Sluice.Host.Cli;

/// <summary><c>sluice notify explain|bench</c>: operator tools for notify blocks.</summary>
internal static class NotifyCommand
{
    public static Command Create() => new("notify", "Operator tools for notify blocks") { Explain(), Bench() };

    private static Command Explain()
    {
        var config = SluiceCli.ConfigOption(required: true);
        var evt = new Argument<string>("event") { Description = "The event as a JSON object, e.g. '{\"event\":\"stream_started\",\"media\":\"cbc\"}'" };
        var json = new Option<bool>("--json") { Description = "Print [{\"handler\", \"deliver\", \"reason\"}]" };
        var command = new Command("explain", "For each notify block in file order: deliver, or drop and why") { config, evt, json };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var file = parse.GetValue(config)!;
            if (!await SluiceCli.CanReadAsync(file)) return SluiceCli.UnreadableConfig;
            await using var host = await OfflineHost.StartAsync(new ConfigSource(file.FullName), ct);
            var options = await LoadNotifyOptionsAsync(host);
            if (options is null) return 1;
            try
            {
                var results = NotifyExplainer.Explain(options, parse.GetValue(evt)!);
                Console.WriteLine(parse.GetValue(json) ? NotifyExplainer.ToJson(results) : NotifyExplainer.ToText(results));
                return 0;
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"event: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Bench()
    {
        var config = SluiceCli.ConfigOption(required: true);
        var events = new Option<int>("--events") { Description = "How many synthetic events to emit", DefaultValueFactory = _ => 100_000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var intoSinks = new Option<bool>("--into-sinks")
        {
            Description = "Deliver the synthetic events to the configured sinks and spools (by default each block counts them in memory)",
        };
        var command = new Command("bench", "Emit synthetic events (marked \"synthetic\": true) through the real router and its blocks' filters; " +
            "counting sinks unless --into-sinks") { config, events, json, intoSinks };
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var file = parse.GetValue(config)!;
            if (!await SluiceCli.CanReadAsync(file)) return SluiceCli.UnreadableConfig;
            await using var host = await OfflineHost.StartAsync(new ConfigSource(file.FullName), ct);
            var loaded = host.Load();
            foreach (var d in loaded.Diagnostics) await Console.Error.WriteLineAsync(d.ToString());
            if (loaded.Configuration is not { } configuration) return 1;
            var options = configuration.Get<NotifyOptions>() ?? NotifyOptions.Empty;
            var n = parse.GetValue(events);
            if (n <= 0) { await Console.Error.WriteLineAsync("--events must be positive"); return 1; }
            // The events name the configured server, as the running server's would.
            var hostname = (configuration.Get<CoreOptions>() ?? new CoreOptions()).Hostname;
            NotifyBenchResult result;
            if (parse.GetValue(intoSinks))
            {
                host.Router.ServerName = hostname;
                await host.Router.ApplyAsync(options, host.Source.Directory, ct);
                result = await NotifyBench.RunAsync(host.Router, n, ct: ct);
            }
            else
            {
                result = await NotifyBench.RunAsync(options, NoContributions.Instance, n,
                    new NotifyRouterSettings { ServerName = hostname, ConfigDirectory = host.Source.Directory }, intoSinks: false, ct: ct);
            }
            Console.WriteLine(parse.GetValue(json) ? result.ToJson() : ToText(result));
            return 0;
        });
        return command;
    }

    private static string ToText(NotifyBenchResult r) =>
        (r.IntoSinks ? "into the configured sinks: " : "into counting sinks (--into-sinks for the configured ones): ")
        + $"events {r.Events} in {r.Seconds:0.000}s; emitted {r.EmittedPerSecond:N0}/s; emit p50 {r.EmitNsP50:0} ns, p99 {r.EmitNsP99:0} ns"
        + (r.Drained ? "" : " (sinks did not drain in time)")
        + string.Concat(r.Delivered.Select(d => $"\n  {d.Key}: delivered {d.Value}, dropped {r.Dropped.GetValueOrDefault(d.Key)}"));

    private static async Task<NotifyOptions?> LoadNotifyOptionsAsync(HostCore host)
    {
        var result = host.Load();
        foreach (var d in result.Diagnostics) await Console.Error.WriteLineAsync(d.ToString());
        return result.Configuration is { } c ? c.Get<NotifyOptions>() ?? NotifyOptions.Empty : null;
    }
}
