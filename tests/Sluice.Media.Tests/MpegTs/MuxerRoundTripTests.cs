using System.Buffers;
using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.MpegTs;

public sealed class MuxerRoundTripTests
{
    private static readonly TrackInfo Video = new() { TrackId = 1, Codec = CodecId.H264 };
    private static readonly TrackInfo Audio = new()
    {
        TrackId = 2,
        Codec = CodecId.Aac,
        Audio = new AudioConfig { SampleRate = 48000, Channels = 2, SamplesPerFrame = 1024, AudioObjectType = 2, AudioSpecificConfig = [0x11, 0x90] },
    };

    [Fact]
    public void Muxer_Should_RoundTripEveryPayloadSize_When_StuffingVariesFromZeroToAFullPacket()
    {
        // Sizes 1..600 cover every stuffing length and PES spanning one to four packets.
        var muxer = new TsMuxer([Video, Audio]);
        var writer = new ArrayBufferWriter<byte>();
        var random = new Random(7);
        var written = new List<(int Track, long Dts, long Pts, byte[] Data)>();
        for (var size = 1; size <= 600; size++)
        {
            var dts = 900_000L + size * 3000;
            var video = new byte[size + 5];
            random.NextBytes(video);
            video[0] = 0; video[1] = 0; video[2] = 0; video[3] = 1; video[4] = (byte)(size % 7 == 0 ? 0x65 : 0x41);
            // Random bytes must not fake start codes inside the picture.
            for (var i = 5; i < video.Length; i++) video[i] |= 0x80;
            Write(muxer, writer, 1, CodecId.H264, dts, dts + 6000, size % 7 == 0, video, written);
            var audio = new byte[size];
            random.NextBytes(audio);
            Write(muxer, writer, 2, CodecId.Aac, dts, dts, true, audio, written);
        }

        using var sink = TsFiles.Demux(writer.WrittenSpan.ToArray(), out var demuxer);
        Assert.Equal(0, demuxer.Stats.ContinuityErrors + demuxer.Stats.PesErrors + demuxer.Stats.AudioSyncErrors + demuxer.Stats.SyncLosses);
        var read = sink.Frames.Select(f => (f.TrackId == muxer.GetPid(1) ? 1 : 2, f.Dts, f.Pts, f.Data.ToArray())).ToList();
        Assert.Equal(written.Count, read.Count);
        for (var i = 0; i < written.Count; i++)
        {
            var expected = written[i];
            var actual = read[i];
            Assert.Equal((expected.Track, expected.Dts, expected.Pts), (actual.Item1, actual.Dts, actual.Pts));
            // Video gains an access unit delimiter in front.
            var data = expected.Track == 1 ? [0, 0, 0, 1, 0x09, 0xF0, .. expected.Data] : expected.Data;
            Assert.Equal(data, actual.Item4);
        }
        Assert.Equal(600 / 7, sink.Frames.Count(f => f.TrackId == muxer.GetPid(1) && f.IsKeyframe));
    }

    [Fact]
    public void Muxer_Should_KeepTimestampsContinuous_When_TheyCrossThe33BitWrap()
    {
        var muxer = new TsMuxer([Audio]);
        var writer = new ArrayBufferWriter<byte>();
        var start = Timestamps.WrapPeriod - 5 * 1920;
        var payload = new byte[50];
        for (var i = 0; i < 10; i++)
        {
            using var buffer = RentedBuffer.CopyOf(payload);
            muxer.WriteFrame(new MediaFrame(2, CodecId.Aac, start + i * 1920, start + i * 1920, FrameFlags.Keyframe, buffer), writer);
        }
        using var sink = TsFiles.Demux(writer.WrittenSpan.ToArray(), out _);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => start + i * 1920), sink.Frames.Select(f => f.Dts));
    }

    [Fact]
    public void Muxer_Should_RefuseTracksMpegTsCannotCarry()
    {
        Assert.False(TsMuxer.CanCarry(CodecId.Unknown));
        Assert.Throws<ArgumentException>(() => new TsMuxer([new TrackInfo { TrackId = 1, Codec = CodecId.Unknown }]));
        Assert.Throws<ArgumentException>(() => new TsMuxer([new TrackInfo { TrackId = 1, Codec = CodecId.Opus, Audio = new AudioConfig { SampleRate = 48000, Channels = 6 } }]));
        Assert.Throws<ArgumentException>(() => new TsMuxer([new TrackInfo { TrackId = 1, Codec = CodecId.Aac }]));
        Assert.Throws<ArgumentException>(() => new TsMuxer([]));
    }

    [Fact]
    public void Muxer_Should_IgnoreFramesOfUnknownTracks()
    {
        var muxer = new TsMuxer([Video]);
        var writer = new ArrayBufferWriter<byte>();
        using var buffer = RentedBuffer.CopyOf([1, 2, 3]);
        Assert.False(muxer.WriteFrame(new MediaFrame(99, CodecId.H264, 0, 0, FrameFlags.None, buffer), writer));
        Assert.Equal(0, writer.WrittenCount);
    }

    private static void Write(TsMuxer muxer, IBufferWriter<byte> writer, int track, CodecId codec, long dts, long pts, bool key, byte[] data,
        List<(int, long, long, byte[])> written)
    {
        using var buffer = RentedBuffer.CopyOf(data);
        Assert.True(muxer.WriteFrame(new MediaFrame(track, codec, dts, pts, key ? FrameFlags.Keyframe : FrameFlags.None, buffer), writer));
        written.Add((track, dts, pts, data));
    }
}
