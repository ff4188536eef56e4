using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Sluice.Benchmarks;
using Sluice.Host.Notify;

// `notify-bench N`: the whole-pipeline bench (`sluice notify bench` does the same against a real config).
if (args is ["notify-bench", ..])
{
    var n = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
    var factory = new MemorySinkFactory();
    var blocks = Enumerable.Range(0, 10).Select(i => i < 5
        ? BenchConfig.Block($"all{i}", $"mem://all{i}")
        : BenchConfig.Block($"streams{i}", $"mem://s{i}", only: "event=stream_started,stream_stopped,source_started,source_closed")).ToArray();
    var result = await NotifyBench.RunAsync(new NotifyOptions(blocks), new BenchContributions(factory), n);
    Console.WriteLine(result.ToJson());
    return 0;
}

// `spool-bench N FOLDER`: one block without and with a durable spool in FOLDER (sustained events/s, durable accept latency).
if (args is ["spool-bench", ..])
{
    await SpoolBench.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000_000, args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "sluice-spool-bench"));
    return 0;
}

// `cpu N`: the micro benchmarks timed by CPU time (robust on a loaded machine).
if (args is ["cpu", ..])
{
    CpuTimeBench.Run(args.Length > 1 ? int.Parse(args[1]) : 20_000_000);
    return 0;
}

// In-process: no per-benchmark project rebuild (the machine has 2 shared cores); ShortRun job.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(FilterBenchmarks).Assembly).Run(args, config);
return 0;
