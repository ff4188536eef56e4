using System.Diagnostics;
using System.Net;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class PublishTests(HlsFixture fixture)
{
    [Fact]
    public async Task A_stream_published_by_PUT_plays_back_by_HLS_and_ends_with_204()
    {
        var data = await File.ReadAllBytesAsync(fixture.Files.LiveClip);
        using var content = new PacedContent(data, TimeSpan.FromSeconds(8));
        content.Headers.ContentType = new("video/mp2t");
        var put = fixture.Host.Client.PutAsync("/live/pub1/mpegts", content);

        MediaPlaylist? playlist = null;
        var clock = Stopwatch.StartNew();
        while (playlist is null && clock.Elapsed < TimeSpan.FromSeconds(6))
        {
            using var response = await fixture.Host.Client.GetAsync("/live/pub1/index.m3u8");
            if (response.StatusCode == HttpStatusCode.OK) playlist = MediaPlaylist.Parse(await response.Content.ReadAsStringAsync());
            else await Task.Delay(200);
        }
        Assert.NotNull(playlist);
        var session = fixture.Sessions.All.Last(s => s.Kind == Sluice.Abstractions.Streams.SessionKind.Publish && s.Media == "live/pub1");
        Assert.False(session.Closed);

        var segment = await fixture.Host.Client.GetByteArrayAsync("/live/pub1/" + playlist.Segments[0].Uri);
        var file = Path.Combine(fixture.Files.Folder, "published-segment.ts");
        await File.WriteAllBytesAsync(file, segment);
        var probe = await Probe.ReadAsync(file, packets: true);
        Assert.Equal("", probe.Errors.Trim());
        Assert.Equal(("h264", 320, 240), (probe.Video.CodecName, probe.Video.Width, probe.Video.Height));
        Assert.Equal("aac", probe.Audio.CodecName);
        Assert.True(probe.Packets.First(p => p.CodecType == "video").Key);

        using var done = await put.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.True(session.Closed);
        Assert.Equal(data.Length, session.Bytes);
        Assert.Equal(1, session.StartedCalls);
        Assert.Null(fixture.Registry.Find("live/pub1")); // the publication ended with the body
    }

    [Fact]
    public async Task Publishing_where_the_registry_refuses_is_403_with_the_reason()
    {
        using var content = new ByteArrayContent(new byte[188 * 10]);
        using var response = await fixture.Host.Client.PostAsync("/cam1/mpegts", content);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("publishing to cam1 is not allowed", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Publishing_garbage_neither_crashes_nor_produces_frames()
    {
        var garbage = new byte[188 * 200];
        new Random(7).NextBytes(garbage);
        using var content = new ByteArrayContent(garbage);
        using var response = await fixture.Host.Client.PutAsync("/live/garbage/mpegts", content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(fixture.Registry.Find("live/garbage"));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Host.Client.GetAsync("/live/garbage/index.m3u8")).StatusCode);
    }

    [Fact]
    public async Task Publishing_to_a_playlist_url_is_405()
    {
        using var content = new ByteArrayContent(new byte[188]);
        using var response = await fixture.Host.Client.PutAsync("/live/x/index.m3u8", content);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
