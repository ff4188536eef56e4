using System.Buffers;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Sluice.Abstractions.Frames;
using Sluice.Media.Flv;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Rtmp.Benchmarks;

/// <summary>
/// The RTMP plugin's per-message hot paths on a real 720p25 H.264 + AAC publication (ffmpeg-made FLV):
/// <see cref="Publish"/> = chunk reassembly (ChunkReader over the bytes a publisher sends, chunk size 4096)
/// and FLV demuxing into frames; <see cref="Play"/> = frames to FLV tag bodies and chunks (what every player
/// costs per frame). OperationsPerInvoke makes Mean and Allocated per message (per frame).
/// </summary>
[MemoryDiagnoser]
public class RtmpPathBenchmarks
{
    /// <summary>Messages (audio and video tags) per operation.</summary>
    public const int Messages = 1000;

    private byte[] _chunks = [];
    private readonly List<MediaFrame> _frames = [];
    private TrackInfo? _video, _audio;
    private readonly ArrayBufferWriter<byte> _out = new(64 << 20);
    private readonly ArrayBufferWriter<byte> _body = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        var flv = File.ReadAllBytes(Input());
        if (!FlvFile.TryReadHeader(flv, out var offset)) throw new InvalidOperationException("not an FLV file");
        var writer = new ChunkWriter { ChunkSize = 4096 };
        var chunks = new ArrayBufferWriter<byte>(32 << 20);
        var collect = new Collect(_frames);
        var demuxer = new FlvDemuxer(collect);
        var n = 0;
        while (n < Messages && FlvFile.TryReadTag(flv, ref offset, out var type, out var ts, out var body))
        {
            if (type is not (FlvTagType.Audio or FlvTagType.Video)) continue;
            writer.Write(chunks, type == FlvTagType.Video ? 6 : 4, type, 1, ts, body);
            demuxer.Feed(type, ts, body);
            n++;
        }
        if (n < Messages) throw new InvalidOperationException($"the input has {n} media tags; {Messages} needed");
        _chunks = chunks.WrittenSpan.ToArray();
        (_video, _audio) = (demuxer.Video, demuxer.Audio);
        Console.WriteLine($"// {Messages} messages, {_chunks.Length} bytes of chunks, {_frames.Count} frames");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var f in _frames) f.Release();
        _frames.Clear();
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long Publish()
    {
        using var reader = new ChunkReader(RtmpLimits.Default);
        reader.SetChunkSize(4096);
        var sink = new Count();
        var demuxer = new FlvDemuxer(sink);
        var buffer = new ReadOnlySequence<byte>(_chunks);
        while (reader.TryRead(ref buffer, out var message)) demuxer.Feed(message.Type, message.Timestamp, message.Payload.Span);
        return sink.Bytes;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long Play()
    {
        _out.ResetWrittenCount();
        var writer = new ChunkWriter { ChunkSize = 4096 };
        foreach (var frame in _frames)
        {
            _body.ResetWrittenCount();
            var video = frame.Kind == MediaKind.Video;
            FlvTagWriter.WriteFrame(frame, video ? _video! : _audio!, _body);
            writer.Write(_out, video ? 6 : 4, FlvTagWriter.TagTypeOf(frame.Codec), 1, FlvTagWriter.TimestampMs(frame.Dts), _body.WrittenSpan);
        }
        return _out.WrittenCount;
    }

    /// <summary>20 s of 1280x720 25 fps H.264 at 3.6 Mbit/s with AAC, made once by ffmpeg and cached.</summary>
    private static string Input()
    {
        var path = Path.Combine(Path.GetTempPath(), "sluice-rtmp-bench", "input-720p25.flv");
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var psi = new ProcessStartInfo("/usr/bin/ffmpeg");
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-f", "lavfi",
                     "-i", "sine=frequency=440:sample_rate=48000", "-t", "20", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast",
                     "-b:v", "3600k", "-maxrate", "3600k", "-bufsize", "1800k", "-g", "50", "-bf", "0", "-c:a", "aac", "-b:a", "128k",
                     "-f", "flv", path + ".part" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("ffmpeg could not make the benchmark input");
        File.Move(path + ".part", path);
        return path;
    }

    private sealed class Collect(List<MediaFrame> frames) : IFrameSink
    {
        public void OnTrack(TrackInfo track) { }
        public void OnFrame(in MediaFrame frame) => frames.Add(frame.Retain());
    }

    private sealed class Count : IFrameSink
    {
        public long Bytes;
        public void OnTrack(TrackInfo track) { }
        public void OnFrame(in MediaFrame frame) => Bytes += frame.Data.Length;
    }
}
