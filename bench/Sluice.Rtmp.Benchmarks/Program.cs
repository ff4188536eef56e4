using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Sluice.Rtmp.Benchmarks.RtmpPathBenchmarks).Assembly).Run(args);
