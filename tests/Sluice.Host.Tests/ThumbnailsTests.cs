using System.Net;
using System.Security.Cryptography;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// <c>thumbnails;</c> through the real host process: the JPEG at /NAME/preview.jpg is decoded by the real
/// ffprobe, changes as the stream plays, and each one is a <c>stream_jpeg</c> event in a log sink.
/// </summary>
public sealed class ThumbnailsTests
{
    [Fact]
    public async Task Preview_jpg_is_a_decodable_jpeg_that_changes_over_time_and_each_is_a_stream_jpeg_event()
    {
        await using var host = await SluiceProcess.StartAsync("""
            stream cam { input fake://cam; thumbnails interval=1s width=160; }
            stream plain { input fake://plain; }
            notify jpegs { sink log://events.jsonl; only event=stream_jpeg; }
            """);
        var log = Path.Combine(host.WorkDirectory, "events.jsonl");

        var first = await WaitForJpegAsync(host, "/cam/preview.jpg", previous: null);
        var second = await WaitForJpegAsync(host, "/cam/preview.jpg", previous: first);

        var path = Path.Combine(host.WorkDirectory, "preview.jpg");
        await File.WriteAllBytesAsync(path, second);
        var video = Assert.Single(await MediaTools.ProbeStreamsAsync(path));
        Assert.Equal("mjpeg", video.GetProperty("codec_name").GetString());
        Assert.Equal(160, video.GetProperty("width").GetInt32()); // width=160 scales the fake source's picture down

        var events = await EventLog.WaitForAsync(log, EventLog.Is("stream_jpeg", "cam"), TimeSpan.FromSeconds(10), "stream_jpeg");
        var jpeg = events.First(EventLog.Is("stream_jpeg", "cam"));
        Assert.Equal("/cam/preview.jpg", jpeg.GetProperty("url").GetString());
        Assert.Equal(160, jpeg.GetProperty("width").GetInt32());
        Assert.True(jpeg.GetProperty("size").GetInt32() > 0);
        Assert.False(events.Any(EventLog.Is("stream_jpeg", "plain")), "thumbnails are off by default");

        using var none = await host.Http.GetAsync("/plain/preview.jpg");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

        // The ETag lets a dashboard poll cheaply.
        using var head = await host.Http.GetAsync("/cam/preview.jpg");
        var etag = head.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/cam/preview.jpg");
        again.Headers.IfNoneMatch.Add(etag);
        using var cached = await host.Http.SendAsync(again);
        Assert.True(cached.StatusCode is HttpStatusCode.NotModified or HttpStatusCode.OK); // OK: a newer one came in between
    }

    [Fact]
    public async Task A_bad_thumbnails_option_is_a_check_error_at_its_location()
    {
        var dir = Directory.CreateTempSubdirectory("sluice-thumbs-").FullName;
        var path = Path.Combine(dir, "sluice.conf");
        await File.WriteAllTextAsync(path, "stream cam {\n  input fake://cam;\n  thumbnails interval=100ms size=3;\n}\n");
        var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        var output = stdout + stderr;
        Assert.NotEqual(0, code);
        Assert.Contains("sluice.conf:3:14: 'thumbnails' interval expects a duration of at least 500ms", output);
        Assert.Contains("sluice.conf:3:29: 'thumbnails' expects interval=DURATION and width=PIXELS, got 'size=3'", output);
    }

    /// <summary>Polls until the preview is a JPEG different from <paramref name="previous"/> (bounded).</summary>
    private static async Task<byte[]> WaitForJpegAsync(SluiceProcess host, string url, byte[]? previous)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode last = 0;
        while (DateTime.UtcNow < deadline)
        {
            using var r = await host.Http.GetAsync(url);
            last = r.StatusCode;
            if (r.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("image/jpeg", r.Content.Headers.ContentType?.MediaType);
                var bytes = await r.Content.ReadAsByteArrayAsync();
                Assert.True(bytes is [0xFF, 0xD8, ..] && bytes[^2..] is [0xFF, 0xD9], "not a complete JPEG");
                if (previous is null || !SHA256.HashData(bytes).AsSpan().SequenceEqual(SHA256.HashData(previous))) return bytes;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{url}: no {(previous is null ? "" : "new ")}JPEG within 60 s (last {(int)last}):\n{host.Output}");
    }
}
