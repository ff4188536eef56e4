using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>
/// The real host recording a fake:// stream: playlists, exports and status checked with ffprobe, a clean
/// restart, a kill -9 in the middle of a fragment, and retention changed by reloads while it records.
/// </summary>
public sealed class HostRecordingTests
{
    private const string Stream = """
        stream cam {
          input fake://cam size=640x360 bitrate=2000k;
          dvr archive DEPTH;
        }

        """;

    private static string Config(string depth) => Stream.Replace("DEPTH", depth);

    [Fact]
    public async Task Records_plays_back_exports_survives_restart_and_kill_9_and_applies_retention_changes_in_place()
    {
        using var folder = new TempFolder();
        var archive = Path.Combine(folder.Path, "archive", "cam");
        var host = await HostProcess.StartAsync(folder.Path, Config("1h"));
        try
        {
            await host.WaitForEventsAsync("dvr_new_fragment", 4, TimeSpan.FromSeconds(90));
            var status = await host.JsonAsync("/cam/recording_status.json");
            Assert.True(status.GetProperty("recording").GetBoolean());
            Assert.Equal(3600, status.GetProperty("depth").GetInt64());
            var range = Assert.Single(status.GetProperty("ranges").EnumerateArray());
            Assert.True(range.GetProperty("duration").GetInt64() >= 7);
            var api = await host.JsonAsync("/api/v1/streams/cam/dvr");
            Assert.Equal(status.GetProperty("ranges").ToString(), api.GetProperty("ranges").ToString());

            var from = range.GetProperty("from").GetInt64() + 1;
            await CheckPlaybackAsync(host, folder, from, 5);

            // Outside the archive: 404 with the reason.
            using (var outside = await host.Http.GetAsync($"/cam/index-{from - 100_000}-10.m3u8"))
            {
                Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
                Assert.Contains("nothing of cam was recorded", await outside.Content.ReadAsStringAsync());
            }
            using (var unknown = await host.Http.GetAsync($"/nope/index-{from}-10.m3u8"))
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

            // A clean stop finishes the fragment being written.
            var before = host.Events("dvr_new_fragment").Length;
            await host.StopAsync();
            Assert.Empty(Directory.EnumerateFiles(archive, "*.part", SearchOption.AllDirectories));
            Assert.True(Directory.EnumerateFiles(archive, "*.ts", SearchOption.AllDirectories).Count() > before - 1);
            await host.DisposeAsync();

            // A server that just started serves what was recorded, then records on after a real gap.
            host = await HostProcess.StartAsync(folder.Path, Config("1h"));
            using (var early = await host.Http.GetAsync($"/cam/index-{from}-5.m3u8"))
                Assert.Equal(HttpStatusCode.OK, early.StatusCode);
            var indexed = await host.WaitForEventsAsync("dvr_archive_indexed", 2, TimeSpan.FromSeconds(30));
            Assert.True(indexed[^1].GetProperty("fragments").GetInt32() >= before);
            var afterRestart = host.Events("dvr_new_fragment").Length;
            await host.WaitForEventsAsync("dvr_new_fragment", afterRestart + 3, TimeSpan.FromSeconds(90));
            Assert.Equal(2, (await host.JsonAsync("/cam/recording_status.json")).GetProperty("ranges").GetArrayLength());

            // kill -9 while a fragment is being written: at most that fragment is lost, and it is repaired.
            var count = host.Events("dvr_new_fragment").Length;
            await host.WaitForEventsAsync("dvr_new_fragment", count + 1, TimeSpan.FromSeconds(30));
            await Task.Delay(1200); // into the next fragment: ~300 KB written at 2 Mbit/s
            var recorded = host.Events("dvr_new_fragment").Select(e => e.GetProperty("path").GetString()!).ToArray();
            var part = Assert.Single(Directory.EnumerateFiles(archive, "*.part", SearchOption.AllDirectories));
            Assert.True(new FileInfo(part).Length > 0, "the fragment being written is on disk in chunks");
            await host.KillAsync();
            await host.DisposeAsync();
            host = await HostProcess.StartAsync(folder.Path, Config("1h"));
            var afterKill = await host.WaitForEventsAsync("dvr_archive_indexed", 3, TimeSpan.FromSeconds(30));
            Assert.Equal(1, afterKill[^1].GetProperty("repaired").GetInt32() + afterKill[^1].GetProperty("dropped").GetInt32());
            Assert.False(File.Exists(part));
            Assert.All(recorded, p => Assert.True(File.Exists(p), p));
            await host.WaitForEventsAsync("dvr_new_fragment", host.Events("dvr_new_fragment").Length + 2, TimeSpan.FromSeconds(90));
            var ranges = (await host.JsonAsync("/cam/recording_status.json")).GetProperty("ranges");
            Assert.Equal(3, ranges.GetArrayLength());
            // The whole archive plays across its gaps, marked as discontinuities.
            var first = ranges[0].GetProperty("from").GetInt64();
            var last = ranges[2];
            var whole = last.GetProperty("from").GetInt64() + last.GetProperty("duration").GetInt64() - first;
            var playlist = await host.Http.GetStringAsync($"/cam/index-{first}-{whole}.m3u8");
            Assert.Equal(2, playlist.Split('\n').Count(l => l == "#EXT-X-DISCONTINUITY"));
            var live = await host.Http.GetStringAsync($"/cam/index-{first}-now.m3u8");
            Assert.Contains("#EXT-X-PLAYLIST-TYPE:EVENT", live);
            Assert.DoesNotContain("#EXT-X-ENDLIST", live);

            // Retention changes apply in place: the recording goes on, the source is not restarted.
            // (events.jsonl spans the restarts: the clean stop above logged a stream_stopped of its own)
            var sources = host.Events("source_started", "cam").Length;
            var stopped = host.Events("stream_stopped", "cam").Length;
            await host.ReloadAsync(Config("12s"));
            var deleted = await host.WaitForEventsAsync("dvr_deleted_fragments", 1, TimeSpan.FromSeconds(40), e => e.GetProperty("reason").GetString() == "depth");
            Assert.True(deleted[0].GetProperty("count").GetInt32() > 5);
            await host.ReloadAsync(Config("1h 600K"));
            await host.WaitForEventsAsync("dvr_deleted_fragments", 1, TimeSpan.FromSeconds(40), e => e.GetProperty("reason").GetString() == "size");
            var n = host.Events("dvr_new_fragment").Length;
            await host.WaitForEventsAsync("dvr_new_fragment", n + 2, TimeSpan.FromSeconds(30));
            var bytes = (await host.JsonAsync("/cam/recording_status.json")).GetProperty("bytes").GetInt64();
            Assert.InRange(bytes, 1, 600L * 1024 + 2_000_000); // under the limit plus what was recorded since the last check
            Assert.Equal(sources, host.Events("source_started", "cam").Length);
            Assert.Equal(stopped, host.Events("stream_stopped", "cam").Length);

            // Removing dvr stops recording (the fragment in progress is finished) and keeps the archive on disk.
            await host.ReloadAsync("stream cam {\n  input fake://cam size=640x360 bitrate=2000k;\n}\n");
            await Until(() => !Directory.EnumerateFiles(archive, "*.part", SearchOption.AllDirectories).Any(), "the fragment in progress finished");
            var kept = Directory.EnumerateFiles(archive, "*.ts", SearchOption.AllDirectories).Order().ToArray();
            var announced = host.Events("dvr_new_fragment").Length;
            Assert.NotEmpty(kept);
            // Live HLS goes on for two more segments (about 4 s): nothing more is recorded.
            var sequence = await MediaSequenceAsync(host);
            await Until(async () => await MediaSequenceAsync(host) >= sequence + 2, "live HLS advanced");
            Assert.Equal(kept, Directory.EnumerateFiles(archive, "*.ts", SearchOption.AllDirectories).Order().ToArray());
            Assert.Equal(announced, host.Events("dvr_new_fragment").Length);
            using (var gone = await host.Http.GetAsync("/cam/recording_status.json"))
                Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(sources, host.Events("source_started", "cam").Length);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task CheckPlaybackAsync(HostProcess host, TempFolder folder, long from, int duration)
    {
        var url = $"http://127.0.0.1:{host.Port}";
        var playlist = await host.Http.GetStringAsync($"/cam/index-{from}-{duration}.m3u8");
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", playlist);
        Assert.Contains("#EXT-X-PROGRAM-DATE-TIME:", playlist);
        Assert.EndsWith("#EXT-X-ENDLIST\n", playlist);
        var hls = await Probe.ReadAsync($"{url}/cam/index-{from}-{duration}.m3u8");
        hls.AssertPlayable("aac", "h264");
        Assert.InRange(hls.Duration, duration - 0.5, duration + 2 * 2.1); // whole fragments at both ends

        var mp4Path = folder.File("export.mp4");
        using (var response = await host.Http.GetAsync($"/cam/archive-{from}-{duration}.mp4", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var file = File.Create(mp4Path);
            await response.Content.CopyToAsync(file);
            Assert.Equal(response.Content.Headers.ContentLength, file.Length);
        }
        Assert.Equal(["ftyp", "moov", "mdat"], TopLevelBoxes(await File.ReadAllBytesAsync(mp4Path)));
        var mp4 = await Probe.ReadAsync(mp4Path);
        mp4.AssertPlayable("aac", "h264");
        Assert.Equal("", mp4.Errors.Trim());
        Assert.InRange(mp4.Duration, duration - 0.1, duration + 2.1); // from the keyframe at or before FROM
        var seek = await Tools.RunAsync("ffmpeg", TimeSpan.FromSeconds(60), "-v", "error", "-ss", "3", "-i", mp4Path, "-frames:v", "1", "-f", "null", "-");
        Assert.True(seek.ExitCode == 0 && seek.StdErr.Trim().Length == 0, seek.StdErr);
        var ready = await host.WaitForEventsAsync("dvr_mp4_export_ready", 1, TimeSpan.FromSeconds(10));
        Assert.Equal(new FileInfo(mp4Path).Length, ready[0].GetProperty("bytes").GetInt64());
        Assert.Single(host.Events("dvr_mp4_export_start"));

        var tsPath = folder.File("export.ts");
        await File.WriteAllBytesAsync(tsPath, await host.Http.GetByteArrayAsync($"/cam/archive-{from}-{duration}.ts")); // streamed: no length to seek by
        var ts = await Probe.ReadAsync(tsPath);
        ts.AssertPlayable("aac", "h264");
        Assert.InRange(ts.Duration, duration - 0.1, duration + 2.2);
    }

    private static async Task<long> MediaSequenceAsync(HostProcess host)
    {
        var playlist = await host.Http.GetStringAsync("/cam/index.m3u8");
        var line = playlist.Split('\n').First(l => l.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal));
        return long.Parse(line["#EXT-X-MEDIA-SEQUENCE:".Length..]);
    }

    private static Task Until(Func<bool> condition, string what) => Until(() => Task.FromResult(condition()), what);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    private static string[] TopLevelBoxes(byte[] file)
    {
        var boxes = new List<string>();
        for (long at = 0; at + 8 <= file.Length;)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)at));
            boxes.Add(System.Text.Encoding.ASCII.GetString(file, (int)at + 4, 4));
            if (size == 1) size = BinaryPrimitives.ReadInt64BigEndian(file.AsSpan((int)at + 8));
            if (size < 8) break;
            at += size;
        }
        return [.. boxes];
    }
}
