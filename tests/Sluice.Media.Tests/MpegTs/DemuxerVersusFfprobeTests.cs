using Sluice.Abstractions.Frames;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.MpegTs;

[Collection(ClipsCollection.Name)]
public sealed class DemuxerVersusFfprobeTests(Clips clips)
{
    public static TheoryData<string> ExactClips => ["H264Aac", "HevcMp3", "H264Opus", "TwoPrograms"];

    private string PathOf(string clip) => (string)typeof(Clips).GetProperty(clip)!.GetValue(clips)!;

    [Theory]
    [MemberData(nameof(ExactClips))]
    public void Demuxer_Should_ReportTheSamePacketsAsFfprobe_When_ReadingAnFfmpegClip(string clip)
    {
        var path = PathOf(clip);
        var probe = Ffprobe.Read(path);
        using var sink = TsFiles.Demux(File.ReadAllBytes(path), out var demuxer);

        Assert.Equal(probe.Streams.Select(s => s.Pid).Order(), sink.Tracks.Keys.Order());
        foreach (var stream in probe.Streams)
        {
            var expected = probe.PacketsByPid[stream.Pid];
            var actual = sink.Of(stream.Pid).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].Pts == actual[i].Pts && expected[i].Dts == actual[i].Dts && expected[i].Key == actual[i].IsKeyframe,
                    $"{clip} pid {stream.Pid} packet {i}: ffprobe pts={expected[i].Pts} dts={expected[i].Dts} key={expected[i].Key}, ours {actual[i]}");
            }
            Assert.Equal(stream.CodecName, CodecFacts.NameOf(sink.Tracks[stream.Pid].Codec));
        }
        Assert.Equal(0, demuxer.Stats.ContinuityErrors);
        Assert.Equal(0, demuxer.Stats.PesErrors);
        Assert.Equal(0, demuxer.Stats.PsiErrors);
        Assert.Equal(0, demuxer.Stats.SyncLosses);
    }

    [Fact]
    public void Demuxer_Should_InterpolateAudioWithinTwoTicks_When_SampleRateIs44100()
    {
        // ffmpeg accumulates a rounded 2090-tick duration per AAC frame; we interpolate exactly from
        // the PES timestamp, so later frames of a PES may differ by a tick or two. Video stays exact.
        var path = clips.H264BaselineCropped;
        var probe = Ffprobe.Read(path);
        using var sink = TsFiles.Demux(File.ReadAllBytes(path), out _);
        foreach (var stream in probe.Streams)
        {
            var expected = probe.PacketsByPid[stream.Pid];
            var actual = sink.Of(stream.Pid).ToList();
            Assert.Equal(expected.Count, actual.Count);
            var tolerance = stream.CodecType == "audio" ? 2 : 0;
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.InRange(actual[i].Pts - expected[i].Pts!.Value, -tolerance, tolerance);
                Assert.InRange(actual[i].Dts - expected[i].Dts!.Value, -tolerance, tolerance);
                Assert.Equal(expected[i].Key, actual[i].IsKeyframe);
            }
        }
    }

    [Theory]
    [InlineData("H264Aac")]
    [InlineData("H264BaselineCropped")]
    [InlineData("HevcMp3")]
    [InlineData("H264Opus")]
    public void Demuxer_Should_DescribeTracksLikeFfprobe_When_ParameterSetsAndAudioHeadersAreParsed(string clip)
    {
        var path = PathOf(clip);
        var probe = Ffprobe.Read(path);
        using var sink = TsFiles.Demux(File.ReadAllBytes(path), out _);
        foreach (var stream in probe.Streams)
        {
            var track = sink.Tracks[stream.Pid];
            if (stream.CodecType == "video")
            {
                var video = Assert.IsType<VideoConfig>(track.Video);
                Assert.Equal((stream.Width, stream.Height), (video.Width, video.Height));
                Assert.Equal(stream.Profile, video.ProfileName);
                Assert.Equal(stream.Level, video.LevelIdc);
                Assert.NotEmpty(video.Pps);
                if (track.Codec == CodecId.H265) Assert.NotEmpty(video.Vps);
            }
            else
            {
                var audio = Assert.IsType<AudioConfig>(track.Audio);
                Assert.Equal((stream.SampleRate, stream.Channels), (audio.SampleRate, audio.Channels));
            }
        }
    }

    [Fact]
    public void Demuxer_Should_ListEveryProgramWithItsTracksAndPcr_When_TheStreamHasSeveral()
    {
        using var sink = TsFiles.Demux(File.ReadAllBytes(clips.TwoPrograms), out var demuxer);
        Assert.Equal([1, 2], demuxer.Programs.Select(p => p.ProgramNumber));
        foreach (var program in demuxer.Programs)
        {
            Assert.Equal(2, program.TrackIds.Count);
            Assert.Contains(program.PcrPid, program.TrackIds);
            Assert.NotNull(program.LastPcr);
            Assert.All(program.TrackIds, id => Assert.Equal(program.ProgramNumber, sink.Tracks[id].ProgramNumber));
        }
    }
}
