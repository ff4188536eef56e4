using BenchmarkDotNet.Attributes;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Media.Benchmarks;

/// <summary>
/// Demuxes 100,000 packets (18.8 MB) of H.264 + AAC per operation. OperationsPerInvoke makes the
/// reported Mean and Allocated figures per 188-byte packet.
/// </summary>
[MemoryDiagnoser]
public class DemuxBenchmarks
{
    private byte[] _input = [];
    private NullSink _sink = new();

    /// <summary>Bytes per Feed call: 1316 is one UDP datagram (7 packets), 65536 a socket/file read.</summary>
    [Params(1316, 65536)]
    public int ChunkSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = BenchmarkInput.Load();
        _sink = new NullSink();
    }

    [Benchmark(OperationsPerInvoke = BenchmarkInput.Packets)]
    public long Demux()
    {
        using var demuxer = new TsDemuxer(_sink);
        var input = _input.AsSpan();
        for (var i = 0; i < input.Length; i += ChunkSize) demuxer.Feed(input.Slice(i, Math.Min(ChunkSize, input.Length - i)));
        demuxer.Flush();
        return demuxer.Stats.Frames;
    }

    private sealed class NullSink : IFrameSink
    {
        public long Bytes;

        public void OnTrack(TrackInfo track) { }

        public void OnFrame(in MediaFrame frame) => Bytes += frame.Payload.Length;
    }
}
