using System.Net;
using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>Exports and playlists over an archive with a hole, for H.264 (with and without B-frames) and H.265; a <c>live</c> block's archives.</summary>
public sealed class ExportTests(ClipFixture clips) : IClassFixture<ClipFixture>
{
    [Theory]
    [InlineData("libx264", 0, "h264")]
    [InlineData("libx264", 2, "h264")]
    [InlineData("libx265", 0, "hevc")]
    public async Task A_range_with_a_hole_plays_what_exists_marked_and_exports_it_back_to_back(string encoder, int bframes, string codec)
    {
        using var folder = new TempFolder();
        using var clip = Clip.Load(await Tools.MakeClipAsync(folder.File("clip.ts"), 6, encoder, bframes));
        // Two runs of the source with 20 s lost in between.
        var fragments = await Recordings.RecordAsync(Path.Combine(folder.Path, "archive", "cam"), "cam", TimeSpan.FromSeconds(20), clip, clip);
        var holes = fragments.Zip(fragments.Skip(1)).Count(p => p.Second.StartMs != p.First.EndMs);
        Assert.Equal(1, holes);
        var recordedMs = fragments.Sum(f => (long)f.DurationMs);
        var from = fragments[0].StartMs / 1000;
        var duration = (fragments[^1].EndMs + 999) / 1000 - from;

        var events = new CollectingEmitter();
        var builder = new TestPluginBuilder();
        builder.Services.Add<IEventEmitter>(events);
        await using var host = await PlaybackHost.StartAsync(new DvrPlugin(), builder);
        var factory = Assert.Single(builder.StreamFeatures);
        await using var feature = factory.Create(TestContexts.StreamFeature("dvr archive 1d", "cam", configDirectory: folder.Path));

        var playlist = await host.Client.GetStringAsync($"/cam/index-{from}-{duration}.m3u8");
        Assert.Equal(1, playlist.Split('\n').Count(l => l == "#EXT-X-DISCONTINUITY"));
        Assert.Equal(fragments.Length, playlist.Split('\n').Count(l => l.EndsWith(".ts")));
        var hls = await Probe.ReadAsync($"{host.Client.BaseAddress}cam/index-{from}-{duration}.m3u8");
        Assert.Equal(["aac", codec], hls.Codecs);
        Assert.True(hls.Of("video").First().Key);

        var mp4Path = folder.File("export.mp4");
        using (var response = await host.Client.GetAsync($"/cam/archive-{from}-{duration}.mp4"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", response.Headers.GetValues("X-Dvr-Gaps").Single());
            await File.WriteAllBytesAsync(mp4Path, await response.Content.ReadAsByteArrayAsync());
        }
        var mp4 = await Probe.ReadAsync(mp4Path);
        mp4.AssertPlayable("aac", codec);
        Assert.Equal("", mp4.Errors.Trim());
        // Back to back: as long as what was recorded (the hole is closed, not stretched or filled).
        Assert.InRange(mp4.Duration, recordedMs / 1000.0 - 0.2, recordedMs / 1000.0 + 0.2);
        if (bframes > 0) Assert.Contains(mp4.Of("video"), p => p.Pts != p.Dts); // reordered frames keep their composition times
        var ready = await events.WaitFor("dvr_mp4_export_ready", "cam", timeoutMs: 10_000);
        Assert.Equal("1", ready["gaps"]);
        Assert.Equal(new FileInfo(mp4Path).Length.ToString(), ready["bytes"]);

        var tsPath = folder.File("export.ts");
        await File.WriteAllBytesAsync(tsPath, await host.Client.GetByteArrayAsync($"/cam/archive-{from}-{duration}.ts"));
        var ts = await Probe.ReadAsync(tsPath);
        ts.AssertPlayable("aac", codec);
        Assert.InRange(ts.Duration, recordedMs / 1000.0 - 0.2, recordedMs / 1000.0 + 0.2);

        // Entirely inside the hole: 404 with the reason.
        var hole = fragments.Zip(fragments.Skip(1)).First(p => p.Second.StartMs != p.First.EndMs);
        var inHole = (hole.First.EndMs + 2000) / 1000;
        using var missing = await host.Client.GetAsync($"/cam/archive-{inHole}-5.mp4");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nothing of cam was recorded", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_live_block_records_every_stream_published_under_its_prefix_and_serves_them_again_after_a_restart()
    {
        using var folder = new TempFolder();
        using var clip = Clip.Load(clips.Path10s);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-2));
        var builder = new TestPluginBuilder { Time = time };
        await using (var host = await PlaybackHost.StartAsync(new DvrPlugin(), builder))
        {
            var factory = Assert.Single(builder.StreamFeatures);
            var diagnostics = new DiagnosticList();
            var context = TestContexts.StreamFeature("dvr archive 1d", "pub", StreamBlockKind.Live, diagnostics, folder.Path, time: time);
            factory.Validate(context);
            Assert.False(diagnostics.HasErrors);
            await using var feature = factory.Create(context);
            foreach (var name in new[] { "pub/cam7", "pub/north/cam8" })
            {
                var stream = new TestMediaStream(name);
                clip.Play(stream, 0, clip.IndexOfKeyframe(1));
                var run = feature.Attach(stream);
                await WaitForPartAsync(Path.Combine(folder.Path, "archive", name));
                clip.PlayPaced(stream, time, clip.IndexOfKeyframe(1));
                stream.End();
                await Assert.IsType<Recording.Recorder>(run).Completion.WaitAsync(TimeSpan.FromSeconds(20)); // what it queued is written
                await run.DisposeAsync();
            }
            using var other = await host.Client.GetAsync("/other/recording_status.json");
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        // A new load of the plugin (a restart): the live block's archives are found on disk before anyone publishes.
        var again = new TestPluginBuilder { Time = time };
        await using var restarted = await PlaybackHost.StartAsync(new DvrPlugin(), again);
        await using var reloaded = again.StreamFeatures.Single().Create(TestContexts.StreamFeature("dvr archive 1d", "pub", StreamBlockKind.Live, configDirectory: folder.Path, time: time));
        foreach (var name in new[] { "pub/cam7", "pub/north/cam8" })
        {
            var status = System.Text.Json.JsonDocument.Parse(await PollAsync(restarted.Client, $"/{name}/recording_status.json")).RootElement;
            Assert.False(status.GetProperty("recording").GetBoolean());
            var range = Assert.Single(status.GetProperty("ranges").EnumerateArray());
            Assert.InRange(range.GetProperty("duration").GetInt64(), 9, 11);
            var playlist = await restarted.Client.GetStringAsync($"/{name}/index-{range.GetProperty("from").GetInt64()}-5.m3u8");
            Assert.Contains("#EXT-X-ENDLIST", playlist);
        }
    }

    [Fact]
    public async Task An_export_the_client_leaves_is_aborted_and_one_of_unreadable_fragments_fails_with_the_reason()
    {
        using var folder = new TempFolder();
        using var clip = Clip.Load(clips.Path10s);
        var archive = Path.Combine(folder.Path, "archive", "cam");
        var recorded = await Recordings.RecordAsync(archive, "cam", TimeSpan.Zero, clip);
        // Ten minutes of archive before it: the recorded fragments copied back to back (each a new timeline to the reader),
        // far more than the loopback socket buffers hold, so the export is still being written when the client leaves.
        var start = recorded[0].StartMs - 600_000;
        for (var i = 0; i < 300; i++)
        {
            var source = recorded[i % recorded.Length];
            var copy = new Archive.Fragment(start + i * 2000L, 2000, source.Bytes);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(archive, copy.RelativePath))!);
            File.Copy(Path.Combine(archive, source.RelativePath), Path.Combine(archive, copy.RelativePath));
        }
        // And a minute before that whose only fragment is not MPEG-TS at all.
        var broken = new Archive.Fragment(start - 60_000, 2000, 0);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(archive, broken.RelativePath))!);
        await File.WriteAllBytesAsync(Path.Combine(archive, broken.RelativePath), new byte[4096]);

        var events = new CollectingEmitter();
        var builder = new TestPluginBuilder();
        builder.Services.Add<IEventEmitter>(events);
        await using var host = await PlaybackHost.StartAsync(new DvrPlugin(), builder);
        await using var feature = builder.StreamFeatures.Single().Create(TestContexts.StreamFeature("dvr archive 1d", "cam", configDirectory: folder.Path));

        using (var response = await host.Client.GetAsync($"/cam/archive-{start / 1000}-600.mp4", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Content.Headers.ContentLength > 8L << 20, $"a long export: {response.Content.Headers.ContentLength} bytes");
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 << 10];
            Assert.True(await body.ReadAsync(buffer) > 0);
        } // the client leaves
        var aborted = await events.WaitFor("dvr_mp4_export_aborted", "cam", timeoutMs: 30_000);
        Assert.Equal("client_left", aborted["reason"]);
        Assert.DoesNotContain(events.All, e => e.Name == "dvr_mp4_export_ready");

        using (var failed = await host.Client.GetAsync($"/cam/archive-{broken.StartMs / 1000}-2.mp4"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Contains("cannot export cam", await failed.Content.ReadAsStringAsync());
        }
        var reason = (await events.WaitFor("dvr_mp4_export_failed", "cam", timeoutMs: 10_000))["reason"];
        Assert.Contains("no audio or video", reason);
        Assert.Equal(2, events.All.Count(e => e.Name == "dvr_mp4_export_start"));
    }

    private static async Task WaitForPartAsync(string folder)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.part", SearchOption.AllDirectories).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no fragment opened in {folder}");
            await Task.Delay(10);
        }
    }

    /// <summary>GET until 200 (the archive is indexed in the background when the directive is applied), bounded.</summary>
    private static async Task<string> PollAsync(HttpClient client, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var r = await client.GetAsync(path);
            var body = await r.Content.ReadAsStringAsync();
            if (r.IsSuccessStatusCode && body.Contains("\"ranges\":[{")) return body;
            Assert.True(DateTime.UtcNow < deadline, $"GET {path}: {(int)r.StatusCode} {body}");
            await Task.Delay(50);
        }
    }
}
