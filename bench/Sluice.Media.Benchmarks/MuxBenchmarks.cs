using System.Buffers;
using BenchmarkDotNet.Attributes;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Media.Benchmarks;

/// <summary>
/// Muxes the frames of the benchmark input (demuxed once in setup) back into MPEG-TS, into a
/// reused buffer. Output size is printed at setup so the Mean converts to bytes per second.
/// </summary>
[MemoryDiagnoser]
public class MuxBenchmarks
{
    private readonly List<MediaFrame> _frames = [];
    private List<TrackInfo> _tracks = [];
    private ArrayBufferWriter<byte> _output = new();

    [GlobalSetup]
    public void Setup()
    {
        var sink = new KeepingSink();
        using (var demuxer = new TsDemuxer(sink))
        {
            demuxer.Feed(BenchmarkInput.Load());
            demuxer.Flush();
            _tracks = [.. demuxer.Tracks];
        }
        _frames.AddRange(sink.Frames);
        _output = new ArrayBufferWriter<byte>(32 * 1024 * 1024);
        Mux();
        Console.WriteLine($"// Mux output: {_output.WrittenCount} bytes, {_output.WrittenCount / 188} packets, {_frames.Count} frames");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var frame in _frames) frame.Release();
        _frames.Clear();
    }

    [Benchmark]
    public int Mux()
    {
        _output.ResetWrittenCount();
        var muxer = new TsMuxer(_tracks);
        foreach (var frame in _frames) muxer.WriteFrame(frame, _output);
        return _output.WrittenCount;
    }

    private sealed class KeepingSink : IFrameSink
    {
        public List<MediaFrame> Frames { get; } = [];

        public void OnTrack(TrackInfo track) { }

        public void OnFrame(in MediaFrame frame) => Frames.Add(frame.Retain());
    }
}
