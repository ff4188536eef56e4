using System.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.Flv;
using Sluice.Media.MpegTs;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.Flv;

/// <summary>
/// FLV tags as RTMP carries them, checked on real encoders' output: H.265 (x265) and MP3 from ffmpeg go
/// through FlvTagWriter (Enhanced RTMP: ExHeader bit and FourCC "hvc1", as the Enhanced RTMP specification
/// lays it out) and back through FlvDemuxer frame for frame; H.264 + AAC (the classic tags) likewise.
/// </summary>
[Collection(ClipsCollection.Name)]
public sealed class EnhancedRtmpTests(Clips clips)
{
    [Fact]
    public void Hevc_and_mp3_round_trip_through_enhanced_rtmp_tags() => RoundTrip(clips.HevcMp3, CodecId.H265, CodecId.Mp3, enhanced: true);

    [Fact]
    public void H264_and_aac_round_trip_through_classic_flv_tags() => RoundTrip(clips.H264Aac, CodecId.H264, CodecId.Aac, enhanced: false);

    private static void RoundTrip(string ts, CodecId videoCodec, CodecId audioCodec, bool enhanced)
    {
        using var source = new CollectingFrameSink();
        using (var demuxer = new TsDemuxer(source))
        {
            demuxer.Feed(File.ReadAllBytes(ts));
            demuxer.Flush();
        }
        var video = source.Tracks.Values.Single(t => t.Kind == MediaKind.Video);
        var audio = source.Tracks.Values.Single(t => t.Kind == MediaKind.Audio);
        Assert.Equal((videoCodec, audioCodec), (video.Codec, audio.Codec));

        using var back = new CollectingFrameSink();
        var flv = new FlvDemuxer(back);
        var body = new ArrayBufferWriter<byte>();
        foreach (var track in new[] { video, audio })
        {
            body.ResetWrittenCount();
            if (FlvTagWriter.WriteSequenceHeader(track, body))
                Assert.Equal(FlvFeedResult.Configuration, flv.Feed(FlvTagWriter.TagTypeOf(track.Codec), 0, body.WrittenSpan));
        }
        foreach (var frame in source.Frames)
        {
            var track = frame.TrackId == video.TrackId ? video : audio;
            body.ResetWrittenCount();
            Assert.True(FlvTagWriter.WriteFrame(frame, track, body));
            var tag = body.WrittenSpan;
            if (frame.Kind == MediaKind.Video)
            {
                // Enhanced RTMP: IsExHeader (bit 7), frame type in bits 4-6, packet type in bits 0-3, then the FourCC.
                Assert.Equal(enhanced, (tag[0] & 0x80) != 0);
                if (enhanced) Assert.Equal("hvc1"u8.ToArray(), tag[1..5].ToArray());
                else Assert.Equal(frame.IsKeyframe ? 0x17 : 0x27, tag[0]);
            }
            Assert.Equal(FlvFeedResult.Frame, flv.Feed(FlvTagWriter.TagTypeOf(frame.Codec), FlvTagWriter.TimestampMs(frame.Dts), tag));
        }

        var videoBack = back.Tracks[FlvDemuxer.VideoTrackId];
        Assert.Equal(videoCodec, videoBack.Codec);
        Assert.Equal((video.Video!.Width, video.Video.Height), (videoBack.Video!.Width, videoBack.Video.Height));
        Assert.Equal(audioCodec, back.Tracks[FlvDemuxer.AudioTrackId].Codec);
        var sent = source.Frames.Where(f => f.Kind == MediaKind.Video).ToArray();
        var got = back.Of(FlvDemuxer.VideoTrackId).ToArray();
        Assert.Equal(sent.Length, got.Length);
        Assert.Equal(sent.Select(f => f.IsKeyframe), got.Select(f => f.IsKeyframe));
        // FLV carries milliseconds: the 90 kHz times come back within one millisecond.
        Assert.All(sent.Zip(got), p => Assert.InRange(p.Second.Pts - p.First.Pts, -90, 90));
        Assert.Equal(source.Frames.Count(f => f.Kind == MediaKind.Audio), back.Of(FlvDemuxer.AudioTrackId).Count());
        Assert.Equal(0, flv.Malformed);
    }
}
