using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class VodTests(HlsFixture fixture)
{
    private HttpClient Client => fixture.Host.Client;

    [Fact]
    public async Task A_file_plays_as_a_VOD_playlist_whose_duration_and_codecs_ffprobe_confirms()
    {
        var playlist = await MediaPlaylist.GetAsync(Client, "/vod/clip.mp4/index.m3u8");

        Assert.True(playlist.Ended);
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD\n", playlist.Text);
        Assert.InRange(playlist.Segments.Sum(s => s.Duration), 5.9, 6.1);
        Assert.InRange(playlist.Segments.Count, 5, 7); // 1 s target, keyframe every second

        var probe = await Probe.ReadAsync($"{fixture.Host.BaseUrl}/vod/clip.mp4/index.m3u8", packets: true);
        Assert.Equal("", probe.Errors.Trim());
        Assert.Equal(("h264", 320, 240), (probe.Video.CodecName, probe.Video.Width, probe.Video.Height));
        Assert.Equal("aac", probe.Audio.CodecName);
        Assert.InRange(probe.Duration ?? 0, 6 - playlist.TargetDuration, 6 + playlist.TargetDuration);
        Assert.Equal(150, probe.Packets.Count(p => p.CodecType == "video")); // every frame, none twice

        Assert.Contains(fixture.Events.All, e => e.Name == "file_opened" && e.Media == "vod/clip.mp4" && e.Fields["path"] == fixture.Files.VodClip);
    }

    [Fact]
    public async Task Each_VOD_segment_starts_with_tables_and_a_keyframe()
    {
        var playlist = await MediaPlaylist.GetAsync(Client, "/vod/clip.mp4/index.m3u8");
        for (var i = 0; i < playlist.Segments.Count; i++)
        {
            var bytes = await Client.GetByteArrayAsync("/vod/clip.mp4/" + playlist.Segments[i].Uri);
            // Tables come first (the file's own start may put an SDT before the PAT).
            var pids = Enumerable.Range(0, 3).Select(p => ((bytes[p * 188 + 1] & 0x1F) << 8) | bytes[p * 188 + 2]).ToList();
            Assert.Contains(0, pids);
            var file = Path.Combine(fixture.Files.Folder, $"vod-{i}.ts");
            await File.WriteAllBytesAsync(file, bytes);
            var probe = await Probe.ReadAsync(file, packets: true);
            Assert.Equal("", probe.Errors.Trim());
            Assert.True(probe.Packets.First(p => p.CodecType == "video").Key, $"segment {i} does not start on a keyframe");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/vod/clip.mp4/segment-{playlist.Segments.Count}.ts")).StatusCode);
    }

    [Fact]
    public async Task The_whole_file_is_served_as_mpegts_from_the_cache_made_once()
    {
        var result = await ExternalTool.RunAsync("ffmpeg",
            ["-hide_banner", "-nostdin", "-v", "error", "-i", $"{fixture.Host.BaseUrl}/vod/clip.mp4/mpegts", "-f", "null", "-"], TimeSpan.FromSeconds(30));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StandardError.Trim());

        var probe = await Probe.ReadAsync($"{fixture.Host.BaseUrl}/vod/clip.mp4/mpegts", packets: true);
        var video = probe.Packets.Where(p => p.CodecType == "video").ToList();
        Assert.Equal(150, video.Count);
        Assert.InRange(video.Max(p => p.Dts)!.Value - video.Min(p => p.Dts)!.Value + 0.04, 5.95, 6.05);
        Assert.Single(Directory.GetFiles(fixture.Files.CacheFolder, "*.ts"));
        Assert.Contains(fixture.Events.All, e => e.Name == "file_closed" && e.Media == "vod/clip.mp4" && long.Parse(e["bytes"]!) > 0);
    }

    [Fact]
    public async Task A_file_ffmpeg_cannot_read_gets_500_with_the_reason_and_the_next_file_still_plays()
    {
        await File.WriteAllTextAsync(Path.Combine(fixture.Files.VodFolder, "broken.mp4"), "this is not a movie");

        using var response = await Client.GetAsync("/vod/broken.mp4/index.m3u8");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("cannot serve vod/broken.mp4: ffmpeg could not remux broken.mp4", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/vod/clip.mp4/index.m3u8")).StatusCode);
    }

    [Theory]
    [InlineData("/vod/../../etc/passwd.mp4/index.m3u8")]
    [InlineData("/vod/%2e%2e/%2e%2e/etc/passwd.mp4/index.m3u8")]
    [InlineData("/vod/..%2F..%2Fetc%2Fpasswd.mp4/index.m3u8")]
    [InlineData("/vod/missing.mp4/index.m3u8")]
    [InlineData("/vod/missing.mp4/mpegts")]
    public async Task Paths_that_escape_the_folder_or_do_not_exist_are_404(string path)
    {
        // Sent raw: HttpClient would remove the dot segments itself.
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Host.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 404", status);
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("root:", rest);
    }
}
