using System.Diagnostics;
using System.Globalization;
using System.Net;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class LiveHlsTests(HlsFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Live_playlist_is_version_3_with_program_date_time_and_ffprobe_reads_h264_320x240_and_aac_from_it()
    {
        using (var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/cam1/index.m3u8")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("*", head.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
        var playlist = await MediaPlaylist.GetAsync(Client, "/cam1/index.m3u8");

        Assert.Contains("#EXT-X-VERSION:3\n", playlist.Text);
        Assert.DoesNotContain("#EXT-X-ENDLIST", playlist.Text);
        Assert.InRange(playlist.Segments.Count, 1, HlsFixture.Options.PlaylistSegments);
        foreach (var (duration, uri, pdt) in playlist.Segments)
        {
            Assert.Matches(@"^segment-\d+\.ts$", uri);
            Assert.InRange(duration, 0.9, 2.1); // target 1 s, keyframe every 1 s
            Assert.True(playlist.TargetDuration >= Math.Round(duration));
            var clock = DateTimeOffset.Parse(pdt!, CultureInfo.InvariantCulture);
            Assert.InRange(clock, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
        }

        var probe = await Probe.ReadAsync($"{fixture.Host.BaseUrl}/cam1/index.m3u8", packets: false);
        Assert.Equal("", probe.Errors.Trim());
        Assert.Equal(("h264", 320, 240), (probe.Video.CodecName, probe.Video.Width, probe.Video.Height));
        Assert.Equal("aac", probe.Audio.CodecName);
    }

    [Fact]
    public async Task Mono_playlist_is_the_same_media_playlist()
    {
        var index = await MediaPlaylist.GetAsync(Client, "/cam1/index.m3u8");
        var mono = await MediaPlaylist.GetAsync(Client, "/cam1/mono.m3u8");
        Assert.InRange(mono.MediaSequence, index.MediaSequence, index.MediaSequence + 1);
        Assert.NotEmpty(index.Segments.Select(s => s.Uri).Intersect(mono.Segments.Select(s => s.Uri)));
    }

    [Fact]
    public async Task Every_segment_starts_with_PAT_PMT_and_a_video_keyframe_by_ffprobe()
    {
        var playlist = await MediaPlaylist.GetAsync(Client, "/cam1/index.m3u8");
        var folder = Directory.CreateTempSubdirectory("sluice-hls-seg").FullName;
        try
        {
            foreach (var (duration, uri, _) in playlist.Segments)
            {
                var bytes = await Client.GetByteArrayAsync("/cam1/" + uri);
                Assert.Equal(0, bytes.Length % 188);
                Assert.Equal((byte)0x47, bytes[0]);
                Assert.Equal(0, ((bytes[1] & 0x1F) << 8) | bytes[2]); // PAT first

                var file = Path.Combine(folder, uri);
                await File.WriteAllBytesAsync(file, bytes);
                var probe = await Probe.ReadAsync(file, packets: true);
                Assert.Equal("", probe.Errors.Trim());
                var video = probe.Packets.Where(p => p.CodecType == "video").ToList();
                Assert.True(video[0].Key, $"{uri}: first video packet is not a keyframe");
                Assert.Contains(probe.Packets, p => p.CodecType == "audio");
                // EXTINF is the real duration from DTS: 25 fps frames in the segment.
                Assert.InRange(video.Count, (int)Math.Round(duration * 25) - 1, (int)Math.Round(duration * 25) + 1);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Media_sequence_advances_and_a_segment_that_left_the_window_is_404()
    {
        var first = await MediaPlaylist.GetAsync(Client, "/cam1/index.m3u8");
        var oldest = first.Segments[0].Uri;
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/cam1/" + oldest)).StatusCode);

        var kept = HlsFixture.Options.PlaylistSegments + HlsFixture.Options.ExtraSegments;
        MediaPlaylist latest = first;
        var clock = Stopwatch.StartNew();
        while (latest.MediaSequence < first.MediaSequence + kept && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(500);
            latest = await MediaPlaylist.GetAsync(Client, "/cam1/index.m3u8");
        }
        Assert.True(latest.MediaSequence >= first.MediaSequence + kept, $"media sequence stayed at {latest.MediaSequence}");
        Assert.Equal(HlsFixture.Options.PlaylistSegments, latest.Segments.Count);
        Assert.Equal($"segment-{latest.MediaSequence}.ts", latest.Segments[0].Uri);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/cam1/" + oldest)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/cam1/" + latest.Segments[0].Uri)).StatusCode);
        // Not made yet.
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/cam1/segment-{latest.MediaSequence + 50}.ts")).StatusCode);
    }

    [Fact]
    public async Task Unknown_stream_is_404_and_other_routes_of_the_host_are_not_shadowed()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/nosuch/index.m3u8")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/nosuch/mpegts")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/nosuch/segment-1.ts")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/live/nosuch/index.m3u8")).StatusCode);
        Assert.Equal("host", await Client.GetStringAsync("/api/v1/server"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/cam1/other.txt")).StatusCode);
    }

    [Fact]
    public async Task A_known_stream_that_is_not_producing_gets_503_with_Retry_After_after_a_bounded_wait()
    {
        var clock = Stopwatch.StartNew();
        using var response = await Client.GetAsync("/idle/index.m3u8");
        clock.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(HlsFixture.Options.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Contains("not producing", await response.Content.ReadAsStringAsync());
        Assert.InRange(clock.Elapsed, HlsFixture.Options.FirstSegmentWait - TimeSpan.FromMilliseconds(200), HlsFixture.Options.FirstSegmentWait + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_segmenter_is_shared_and_stops_reading_the_stream_after_the_idle_timeout()
    {
        var stream = fixture.Registry.Add("cam-idle");
        await using var player = LoopingPlayer.Start(fixture.Files.LiveClip, stream);
        var opens = fixture.Registry.OpenForViewerCalls;
        await MediaPlaylist.GetAsync(Client, "/cam-idle/index.m3u8");
        var before = await MediaPlaylist.GetAsync(Client, "/cam-idle/mono.m3u8");
        Assert.Equal(opens + 1, fixture.Registry.OpenForViewerCalls); // one segmenter, one OpenForViewer
        Assert.Equal(1, stream.ReaderCount);

        var clock = Stopwatch.StartNew();
        while (stream.ReaderCount > 0 && clock.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(200);
        Assert.Equal(0, stream.ReaderCount);
        Assert.True(clock.Elapsed > HlsFixture.Options.SegmenterIdleTimeout - TimeSpan.FromSeconds(1), $"stopped after {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/cam-idle/segment-0.ts")).StatusCode);

        // A new segmenter continues the numbering after a discontinuity: players never see the sequence go back.
        var after = await MediaPlaylist.GetAsync(Client, "/cam-idle/index.m3u8");
        Assert.True(after.MediaSequence > before.MediaSequence + before.Segments.Count - 1, $"{after.MediaSequence} after {before.MediaSequence}");
        Assert.Contains("#EXT-X-DISCONTINUITY\n", after.Text);
        Assert.Equal(1, stream.ReaderCount);
    }
}
