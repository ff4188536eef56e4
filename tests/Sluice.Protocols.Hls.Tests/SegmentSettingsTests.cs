using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

/// <summary>A stream's <c>segment_duration</c> and <c>segment_count</c> (<see cref="IMediaStream.Segments"/>) shape its playlist.</summary>
[Collection(HlsCollection.Name)]
public sealed class SegmentSettingsTests(HlsFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task Segment_duration_and_count_of_the_stream_replace_the_defaults_and_a_change_applies_at_the_next_request()
    {
        var stream = fixture.Registry.Add("segmented");
        stream.Segments = new SegmentSettings(TimeSpan.FromSeconds(2), 2);
        await using var player = LoopingPlayer.Start(fixture.Files.LiveClip, stream);

        // The fixture's defaults are 1 s segments, 3 listed; this stream asks for 2 s, 2 listed.
        var playlist = await WaitForSegmentsAsync("/segmented/index.m3u8", 2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, playlist.Segments.Count);
        Assert.Equal(2, playlist.TargetDuration);
        Assert.All(playlist.Segments, s => Assert.InRange(s.Duration, 1.9, 2.1)); // keyframe every 1 s: cut at 2 s

        // A reload changed them: the next request gets a new segmenter, numbered on from the old one.
        stream.Segments = new SegmentSettings(TimeSpan.FromSeconds(1), 3);
        var after = await WaitForSegmentsAsync("/segmented/index.m3u8", 3, TimeSpan.FromSeconds(30));
        Assert.True(after.MediaSequence > playlist.MediaSequence, $"{after.MediaSequence} after {playlist.MediaSequence}");
        Assert.Equal(3, after.Segments.Count);
        Assert.All(after.Segments, s => Assert.InRange(s.Duration, 0.9, 1.1));
    }

    private async Task<MediaPlaylist> WaitForSegmentsAsync(string path, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await Client.GetAsync(path);
            if (response.IsSuccessStatusCode)
            {
                var playlist = MediaPlaylist.Parse(await response.Content.ReadAsStringAsync());
                if (playlist.Segments.Count >= count) return playlist;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not list {count} segments in time");
            await Task.Delay(250);
        }
    }
}
