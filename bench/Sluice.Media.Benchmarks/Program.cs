using BenchmarkDotNet.Running;

// Example: dotnet run -c Release --project bench/Sluice.Media.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Sluice.Media.Benchmarks.DemuxBenchmarks).Assembly).Run(args);
