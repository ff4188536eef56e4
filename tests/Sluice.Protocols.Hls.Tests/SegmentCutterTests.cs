using System.Diagnostics;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Protocols.Hls.Live;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class SegmentCutterTests(HlsFixture fixture)
{
    [Fact]
    public void Segments_end_at_the_first_keyframe_after_the_target_and_start_with_tables()
    {
        using var clip = Frames.Of(fixture.Files.LiveClip);
        var segments = new List<CompletedSegment>();
        using (var cutter = new SegmentCutter(new HlsOptions { TargetDuration = TimeSpan.FromSeconds(1.5) }, segments.Add))
        {
            foreach (var frame in clip.List) cutter.Add(in frame, clip.Tracks);
            cutter.Finish();
        }
        try
        {
            // Keyframes every 1 s: a 1.5 s target gives 2 s segments (the last one is what is left of 8 s).
            Assert.Equal(4, segments.Count);
            Assert.All(segments.Take(3), s => Assert.Equal(2.0, s.DurationSeconds, 3));
            Assert.InRange(segments[^1].DurationSeconds, 1.9, 2.1);
            foreach (var segment in segments)
            {
                var data = segment.Data.Span;
                Assert.Equal(0, data.Length % 188);
                Assert.Equal(0, ((data[1] & 0x1F) << 8) | data[2]);
                Assert.False(segment.Discontinuity);
            }
        }
        finally
        {
            foreach (var segment in segments) segment.Data.Release();
        }
    }

    [Fact]
    public void Sparse_keyframes_make_longer_segments_and_none_at_all_a_forced_cut()
    {
        using var clip = Frames.Of(fixture.Files.LiveClip);
        var video = clip.List.First(f => f.Kind == MediaKind.Video).TrackId;
        var firstDts = clip.List.First(f => f.TrackId == video).Dts;

        // Keep only every third video keyframe (one every 3 s): a 2 s target then gives 3 s segments.
        var sparse = Cut(clip, new HlsOptions(), f => f.TrackId == video && f.IsKeyframe && Math.Round((f.Dts - firstDts) / 90_000.0) % 3 != 0);
        Assert.Equal([3.0, 3.0, 2.0], sparse);

        // No keyframe after the first: segments are cut at the forced limit (here 2.5 s) anyway.
        var forced = Cut(clip, new HlsOptions { MaxSegmentDuration = TimeSpan.FromSeconds(2.5) }, f => f.TrackId == video && f.IsKeyframe && f.Dts != firstDts);
        Assert.Equal(3, forced.Count(d => d is >= 2.5 and < 2.6)); // the first frame at or past the limit
        Assert.InRange(forced.Sum(), 7.9, 8.1);
    }

    private static List<double> Cut(Frames clip, HlsOptions options, Func<MediaFrame, bool> dropKeyframeFlag)
    {
        var durations = new List<double>();
        using var cutter = new SegmentCutter(options, s =>
        {
            durations.Add(Math.Round(s.DurationSeconds, 2));
            s.Data.Release();
        });
        foreach (var f in clip.List)
        {
            var flags = dropKeyframeFlag(f) ? f.Flags & ~FrameFlags.Keyframe : f.Flags;
            var frame = new MediaFrame(f.TrackId, f.Codec, f.Dts, f.Pts, flags, f.Payload);
            cutter.Add(in frame, clip.Tracks);
        }
        cutter.Finish();
        return durations;
    }

    [Fact]
    public void Cutting_allocates_nothing_per_frame()
    {
        using var clip = Frames.Of(fixture.Files.LiveClip);
        var segments = 0;
        using var cutter = new SegmentCutter(new HlsOptions(), s =>
        {
            segments++;
            s.Data.Release();
        });
        var period = clip.List[^1].Dts - clip.List[0].Dts + 3600;
        void Feed(int loops, int from)
        {
            for (var loop = from; loop < from + loops; loop++)
            {
                foreach (var f in clip.List)
                {
                    var shifted = new MediaFrame(f.TrackId, f.Codec, f.Dts + loop * period, f.Pts + loop * period, f.Flags, f.Payload);
                    cutter.Add(in shifted, clip.Tracks);
                }
            }
        }
        Feed(2, 0); // warm up: muxer, pooled buffers

        const int loops = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var startSegments = segments;
        var clock = Stopwatch.StartNew();
        Feed(loops, 2);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var frames = loops * clip.List.Count;
        var made = segments - startSegments;

        Console.WriteLine($"cutter: {frames} frames, {made} segments, {allocated} bytes allocated ({(double)allocated / frames:0.0} B/frame), {frames / clock.Elapsed.TotalSeconds:0} frames/s");
        Assert.InRange(made, loops * 4 - 1, loops * 4 + 1);
        // Per segment: its record, its RentedBuffer and the clock value; nothing per frame or packet.
        Assert.True(allocated < made * 400L, $"{allocated} bytes for {made} segments");
    }

    /// <summary>Frames of a transport stream file, retained, with the final track list.</summary>
    private sealed class Frames : IFrameSink, IDisposable
    {
        public List<MediaFrame> List { get; } = [];
        public IReadOnlyList<TrackInfo> Tracks { get; private set; } = [];

        public static Frames Of(string file)
        {
            var frames = new Frames();
            using var demuxer = new TsDemuxer(frames);
            demuxer.Feed(File.ReadAllBytes(file));
            demuxer.Flush();
            frames.Tracks = demuxer.Tracks;
            frames.List.Sort((a, b) => a.Dts.CompareTo(b.Dts));
            return frames;
        }

        public void OnTrack(TrackInfo track) { }

        public void OnFrame(in MediaFrame frame) => List.Add(frame.Retain());

        public void Dispose()
        {
            foreach (var frame in List) frame.Release();
        }
    }
}
