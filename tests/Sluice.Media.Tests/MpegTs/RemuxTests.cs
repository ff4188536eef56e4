using System.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.MpegTs;

[Collection(ClipsCollection.Name)]
public sealed class RemuxTests(Clips clips)
{
    [Theory]
    [InlineData("H264Aac")]
    [InlineData("H264BaselineCropped")]
    [InlineData("HevcMp3")]
    [InlineData("H264Opus")]
    public void Muxer_Should_WriteAStreamFfprobeAndFfmpegAcceptWithTheSourcePackets_When_RemuxingDemuxedFrames(string clip)
    {
        var source = (string)typeof(Clips).GetProperty(clip)!.GetValue(clips)!;
        var data = File.ReadAllBytes(source);
        var output = Remux(data, program: null, clips.NewPath("remux.ts"), out var trackCount);

        var before = Ffprobe.Read(source);
        var after = Ffprobe.Read(output);
        Assert.Equal("", after.Errors);
        Assert.Equal(trackCount, after.Streams.Count);
        // What ffprobe reads back is exactly what we wrote ...
        using var written = TsFiles.Demux(data, out _);
        for (var i = 0; i < after.Streams.Count; i++)
        {
            var frames = written.Of(before.Streams[i].Pid).Select(f => new Ffprobe.Packet(f.Pts, f.Dts, f.IsKeyframe));
            Assert.Equal(frames, after.PacketsByPid[after.Streams[i].Pid]);
        }
        // ... and matches the source: exactly, except 44.1 kHz audio where ffmpeg rounds its interpolation.
        AssertSamePackets(before, after, audioTolerance: before.Streams.Any(s => s.SampleRate == 44100) ? 2 : 0);

        var decode = ExternalTool.Run("ffmpeg", ["-hide_banner", "-v", "error", "-i", output, "-f", "null", "-"]);
        Assert.Equal(0, decode.ExitCode);
        Assert.Equal("", decode.StandardError);
        AssertNoContinuityErrors(output);
    }

    [Fact]
    public void Muxer_Should_WriteOneProgram_When_RemuxingOneProgramOfSeveral()
    {
        var source = clips.TwoPrograms;
        var output = Remux(File.ReadAllBytes(source), program: 2, clips.NewPath("program2.ts"), out var trackCount);
        var after = Ffprobe.Read(output);
        Assert.Equal("", after.Errors);
        Assert.Equal(2, trackCount);
        Assert.Equal(["video", "audio"], after.Streams.Select(s => s.CodecType));
        AssertNoContinuityErrors(output);
    }

    [Fact]
    public void Muxer_Should_CarryPcrOnAudio_When_ThereIsNoVideo()
    {
        var data = File.ReadAllBytes(clips.H264Aac);
        using var sink = TsFiles.Demux(data, out _);
        var audio = sink.Tracks.Values.Single(t => t.Kind == MediaKind.Audio);
        var muxer = new TsMuxer([audio]);
        var writer = new ArrayBufferWriter<byte>();
        foreach (var frame in sink.Of(audio.TrackId)) Assert.True(muxer.WriteFrame(frame, writer));
        var path = clips.NewPath("audio-only.ts");
        File.WriteAllBytes(path, writer.WrittenSpan.ToArray());

        var probe = Ffprobe.Read(path);
        Assert.Equal("", probe.Errors);
        var stream = Assert.Single(probe.Streams);
        Assert.Equal("aac", stream.CodecName);
        Assert.Equal(sink.Of(audio.TrackId).Select(f => (long?)f.Pts), probe.PacketsByPid[stream.Pid].Select(p => p.Pts));
        using var again = TsFiles.Demux(writer.WrittenSpan.ToArray(), out var demuxer);
        Assert.Equal(demuxer.Programs[0].PcrPid, stream.Pid);
        Assert.NotNull(demuxer.Programs[0].LastPcr);
    }

    [Fact]
    public void Muxer_Should_InsertParameterSetsAndAud_When_KeyframesArriveWithoutThem()
    {
        // Like an RTMP source: parameter sets live in the track description, not in the pictures.
        var data = File.ReadAllBytes(clips.H264Aac);
        using var sink = TsFiles.Demux(data, out _);
        var video = sink.Tracks.Values.Single(t => t.Kind == MediaKind.Video);
        var muxer = new TsMuxer([video]);
        var writer = new ArrayBufferWriter<byte>();
        foreach (var frame in sink.Of(video.TrackId))
        {
            using var bare = Sluice.Abstractions.Buffers.RentedBuffer.CopyOf(KeepOnlySlicesAndSei(frame.Data));
            Assert.True(muxer.WriteFrame(new MediaFrame(frame.TrackId, frame.Codec, frame.Dts, frame.Pts, frame.Flags, bare), writer));
        }
        var path = clips.NewPath("inserted-sps.ts");
        File.WriteAllBytes(path, writer.WrittenSpan.ToArray());
        var decode = ExternalTool.Run("ffmpeg", ["-hide_banner", "-v", "error", "-i", path, "-f", "null", "-"]);
        Assert.Equal("", decode.StandardError);
        using var again = TsFiles.Demux(writer.WrittenSpan.ToArray(), out _);
        Assert.Equal(video.Video!.Sps, again.Tracks[muxer.GetPid(video.TrackId)].Video!.Sps);
        Assert.Equal(sink.Of(video.TrackId).Count(f => f.IsKeyframe), again.Frames.Count(f => f.IsKeyframe));
    }

    private static byte[] KeepOnlySlicesAndSei(ReadOnlySpan<byte> accessUnit)
    {
        var kept = new List<byte>();
        var offset = 0;
        while (Sluice.Media.Codecs.NalUnits.TryFindNext(accessUnit, ref offset, out var start, out var length))
        {
            var type = accessUnit[start] & 0x1F;
            if (type is 7 or 8 or 9) continue;
            kept.AddRange([0, 0, 0, 1]);
            kept.AddRange(accessUnit.Slice(start, length).ToArray());
        }
        return [.. kept];
    }

    private static string Remux(byte[] data, int? program, string path, out int trackCount)
    {
        using var sink = TsFiles.Demux(data, out var demuxer);
        var programNumber = program ?? demuxer.Programs[0].ProgramNumber;
        var tracks = demuxer.Programs.Single(p => p.ProgramNumber == programNumber).TrackIds.Select(id => sink.Tracks[id]).ToList();
        trackCount = tracks.Count;
        var muxer = new TsMuxer(tracks);
        var writer = new ArrayBufferWriter<byte>();
        foreach (var frame in sink.Frames.Where(f => tracks.Any(t => t.TrackId == f.TrackId))) Assert.True(muxer.WriteFrame(frame, writer));
        Assert.Equal(0, writer.WrittenCount % 188);
        Assert.Equal(muxer.PacketsWritten * 188, writer.WrittenCount);
        File.WriteAllBytes(path, writer.WrittenSpan.ToArray());
        return path;
    }

    private static void AssertSamePackets(Ffprobe before, Ffprobe after, int audioTolerance)
    {
        // Streams keep their order; PIDs are renumbered by the muxer.
        for (var i = 0; i < before.Streams.Count; i++)
        {
            var a = before.Streams[i];
            var b = after.Streams[i];
            Assert.Equal((a.CodecName, a.Width, a.Height, a.SampleRate, a.Channels), (b.CodecName, b.Width, b.Height, b.SampleRate, b.Channels));
            var expected = before.PacketsByPid[a.Pid];
            var actual = after.PacketsByPid[b.Pid];
            Assert.Equal(expected.Count, actual.Count);
            var tolerance = a.CodecType == "audio" ? audioTolerance : 0;
            for (var p = 0; p < expected.Count; p++)
            {
                Assert.Equal(expected[p].Key, actual[p].Key);
                Assert.InRange(actual[p].Pts!.Value - expected[p].Pts!.Value, -tolerance, tolerance);
                Assert.InRange(actual[p].Dts!.Value - expected[p].Dts!.Value, -tolerance, tolerance);
            }
        }
    }

    private static void AssertNoContinuityErrors(string path)
    {
        var debug = ExternalTool.Run("ffprobe", ["-v", "debug", "-show_packets", "-of", "compact", path]);
        Assert.Equal(0, debug.ExitCode);
        Assert.DoesNotContain("Continuity check failed", debug.StandardError);
        Assert.Contains("mpegts", debug.StandardError); // the debug log really was produced
        using var sink = TsFiles.Demux(File.ReadAllBytes(path), out var demuxer);
        Assert.Equal(0, demuxer.Stats.ContinuityErrors);
        Assert.NotEmpty(sink.Frames);
    }
}
