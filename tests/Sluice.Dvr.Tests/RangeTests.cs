using System.Net;
using System.Net.Http.Headers;
using Sluice.Abstractions.Events;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>Byte ranges on <c>archive-FROM-DURATION.mp4</c>: real requests against the bytes of the whole file, and ffmpeg seeking over HTTP.</summary>
public sealed class RangeTests(ClipFixture clips) : IClassFixture<ClipFixture>
{
    [Fact]
    public async Task Mp4_exports_answer_byte_ranges_with_206_and_416_and_ffmpeg_seeks_over_http()
    {
        using var folder = new TempFolder();
        using var clip = Clip.Load(clips.Path10s);
        var fragments = await Recordings.RecordAsync(Path.Combine(folder.Path, "archive", "cam"), "cam", TimeSpan.Zero, clip);
        var from = fragments[0].StartMs / 1000;
        var duration = (fragments[^1].EndMs + 999) / 1000 - from;
        var events = new CollectingEmitter();
        var builder = new TestPluginBuilder();
        builder.Services.Add<IEventEmitter>(events);
        await using var host = await PlaybackHost.StartAsync(new DvrPlugin(), builder);
        await using var feature = Assert.Single(builder.StreamFeatures).Create(TestContexts.StreamFeature("dvr archive 1d", "cam", configDirectory: folder.Path));
        var url = $"/cam/archive-{from}-{duration}.mp4";

        using var whole = await host.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        var tag = whole.Headers.ETag!.Tag;
        var file = await whole.Content.ReadAsByteArrayAsync();
        var length = file.Length;
        Assert.Equal(length, whole.Content.Headers.ContentLength);
        Assert.True(length > 100_000, $"an export of {length} bytes");

        // Ranges in the header, across it into mdat, in the middle of samples, open-ended and a suffix.
        (long? From, long? To, long First, long Last)[] asked =
        [
            (0, 99, 0, 99), (50, 70_000, 50, 70_000), (length / 3, 2 * length / 3, length / 3, 2 * length / 3),
            (length / 2, null, length / 2, length - 1), (length - 10, length + 500, length - 10, length - 1), (null, 777, length - 777, length - 1),
        ];
        foreach (var (rangeFrom, rangeTo, first, last) in asked)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Range = new RangeHeaderValue(rangeFrom, rangeTo);
            using var part = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal($"bytes {first}-{last}/{length}", part.Content.Headers.ContentRange!.ToString());
            var body = await part.Content.ReadAsByteArrayAsync();
            Assert.Equal(last - first + 1, body.Length);
            Assert.True(file.AsSpan((int)first, body.Length).SequenceEqual(body), $"bytes {first}-{last} are the whole file's");
        }

        // Past the end: 416 with the length; If-Range naming another version: the whole file.
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Range = new RangeHeaderValue(length, null);
            using var outside = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, outside.StatusCode);
            Assert.Equal($"bytes */{length}", outside.Content.Headers.ContentRange!.ToString());
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Range = new RangeHeaderValue(10, 20);
            request.Headers.IfRange = new RangeConditionHeaderValue("\"another\"");
            using var changed = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal(length, (await changed.Content.ReadAsByteArrayAsync()).Length);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Range = new RangeHeaderValue(10, 20);
            request.Headers.IfRange = new RangeConditionHeaderValue(tag);
            using var same = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, same.StatusCode);
        }
        // The MPEG-TS export's length is not known before it is written: no ranges.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/cam/archive-{from}-{duration}.ts"))
        {
            request.Headers.Range = new RangeHeaderValue(10, 20);
            using var ts = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, ts.StatusCode);
            Assert.Equal("none", ts.Headers.AcceptRanges.Single());
        }

        // ffmpeg seeking over HTTP decodes the same frames as from the file. It asks for a range from the sample it
        // seeks to when the jump is longer than it would rather read through (by default its TCP window, which on
        // loopback holds this whole file; short_seek_size sets it as over a real network).
        var local = folder.File("whole.mp4");
        await File.WriteAllBytesAsync(local, file);
        var remote = await Tools.RunAsync("ffmpeg", TimeSpan.FromSeconds(60), "-nostdin", "-v", "debug", "-short_seek_size", "1", "-ss", "6", "-i", host.Client.BaseAddress + url.TrimStart('/'),
            "-frames:v", "5", "-an", "-f", "framemd5", "-");
        Assert.True(remote.ExitCode == 0, remote.StdErr);
        var seeks = remote.StdErr.Split('\n').Where(l => l.StartsWith("Range: bytes=", StringComparison.Ordinal) && !l.StartsWith("Range: bytes=0-", StringComparison.Ordinal)).ToArray();
        Assert.True(seeks.Length > 0, $"{length} bytes: " + string.Join('\n', remote.StdErr.Split('\n').Where(l => l.Contains("http", StringComparison.OrdinalIgnoreCase) || l.Contains("Range"))));
        var fromFile = await Tools.RunAsync("ffmpeg", TimeSpan.FromSeconds(60), "-nostdin", "-v", "error", "-ss", "6", "-i", local, "-frames:v", "5", "-an", "-f", "framemd5", "-");
        Assert.Equal(fromFile.StdOut, remote.StdOut);
        Assert.Equal(5, remote.StdOut.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#')));

        // The export events are for requests from byte 0 (the download, bytes=0-99, the If-Range miss, ffmpeg's
        // first request), not for the other ranges or ffmpeg's seek.
        Assert.Equal(4, events.All.Count(e => e.Name == "dvr_mp4_export_start"));
    }
}
