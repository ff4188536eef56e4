using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// Live video through the real host process, checked with the real ffprobe/ffmpeg: each kind of input
/// out as HLS and continuous MPEG-TS, VOD files, and the stream events an operator relies on.
/// </summary>
public sealed class MediaEndToEndTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sluice-media-").FullName;
    private string _clipTs = "";
    private string _clipMp4 = "";

    public async Task InitializeAsync()
    {
        _clipTs = await MediaTools.MakeClipAsync(Path.Combine(_dir, "clip.ts"));
        _clipMp4 = await MediaTools.MakeClipAsync(Path.Combine(_dir, "clip.mp4"));
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private static async Task AssertPlaysAsHlsAndMpegTsAsync(SluiceProcess host, string name)
    {
        var playlist = await MediaTools.WaitForOkAsync(host.Http, $"/{name}/index.m3u8", TimeSpan.FromSeconds(40));
        Assert.Contains("#EXT-X-PROGRAM-DATE-TIME", playlist);
        var streams = await MediaTools.ProbeStreamsAsync($"http://127.0.0.1:{host.Port}/{name}/index.m3u8");
        Assert.Equal(["aac", "h264"], MediaTools.Codecs(streams));

        // Continuous MPEG-TS: three seconds decode without a single error (continuity included).
        var (code, _, stderr) = await MediaTools.RunAsync("ffmpeg", TimeSpan.FromSeconds(60), "-nostdin", "-v", "error",
            "-i", $"http://127.0.0.1:{host.Port}/{name}/mpegts", "-t", "3", "-f", "null", "-");
        Assert.True(code == 0 && stderr.Trim().Length == 0, $"ffmpeg /{name}/mpegts: {stderr}");
    }

    [Fact]
    public async Task Fake_source_plays_as_hls_and_mpegts()
    {
        await using var host = await SluiceProcess.StartAsync("stream cam { input fake://cam; }\n");
        await AssertPlaysAsHlsAndMpegTsAsync(host, "cam");
        using var r = await host.Http.GetAsync("/nosuchstream/index.m3u8");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task File_source_plays_an_mp4_in_a_loop()
    {
        File.Copy(_clipMp4, Path.Combine(_dir, "movie.mp4"), true);
        await using var host = await SluiceProcess.StartAsync("stream movie { input file://movie.mp4; }\n", workDir: MakeWorkDir("movie.mp4"));
        await AssertPlaysAsHlsAndMpegTsAsync(host, "movie");
    }

    [Fact]
    public async Task Tshttp_source_plays()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var origin = builder.Build();
        origin.MapGet("/live.ts", async (HttpContext http) =>
        {
            // A live origin: the clip, paced, for as long as the client stays.
            http.Response.ContentType = "video/mp2t";
            var data = await File.ReadAllBytesAsync(_clipTs);
            var perChunk = TimeSpan.FromSeconds(6.0 * 1316 / data.Length);
            while (!http.RequestAborted.IsCancellationRequested)
            {
                for (var off = 0; off + 1316 <= data.Length; off += 1316)
                {
                    await http.Response.Body.WriteAsync(data.AsMemory(off, 1316), http.RequestAborted);
                    await Task.Delay(perChunk, http.RequestAborted);
                }
            }
        });
        await origin.StartAsync();
        var url = origin.Urls.First().Replace("http://", "tshttp://") + "/live.ts";
        await using var host = await SluiceProcess.StartAsync($"stream relay {{ input {url}; }}\n");
        await AssertPlaysAsHlsAndMpegTsAsync(host, "relay");
        await origin.StopAsync();
    }

    [Fact]
    public async Task Udp_source_plays_and_its_silence_and_return_are_events()
    {
        var port = FreePort.Tcp();
        await using var host = await SluiceProcess.StartAsync($$"""
            stream udp1 { input udp://127.0.0.1:{{port}}; source_timeout 4; }
            notify streams { sink log://events.jsonl; only media=udp1; }
            """);
        var log = Path.Combine(host.WorkDirectory, "events.jsonl");
        using (var sending = new CancellationTokenSource())
        {
            var sender = MediaTools.SendUdpAsync(_clipTs, port, sending.Token);
            await AssertPlaysAsHlsAndMpegTsAsync(host, "udp1");
            await EventLog.WaitForAsync(log, EventLog.Is("stream_media_info", "udp1"), TimeSpan.FromSeconds(10), "stream_media_info");
            sending.Cancel();
            await sender;
        }
        await EventLog.WaitForAsync(log, EventLog.Is("frames_timed_out", "udp1"), TimeSpan.FromSeconds(20), "frames_timed_out");

        using (var sending = new CancellationTokenSource())
        {
            var sender = MediaTools.SendUdpAsync(_clipTs, port, sending.Token);
            // Back within the second source_timeout: the same source resumes (a longer silence would
            // close and reopen it, which is source_closed / source_started instead).
            var events = await EventLog.WaitForAsync(log, EventLog.Is("frames_restored", "udp1"), TimeSpan.FromSeconds(30), "frames_restored");
            sending.Cancel();
            await sender;
            var names = EventLog.Names(events);
            Assert.Equal("stream_started", names[0]);
            Assert.Contains("source_started", names);
            Assert.Contains("source_ready", names);
            Assert.True(Array.IndexOf(names, "frames_timed_out") < Array.LastIndexOf(names, "frames_restored"));
        }
    }

    [Fact]
    public async Task Input_failover_switches_to_the_backup_and_back()
    {
        var port = FreePort.Tcp();
        await using var host = await SluiceProcess.StartAsync($$"""
            stream fo { input udp://127.0.0.1:{{port}}; input fake://fo; source_timeout 5; }
            notify streams { sink log://events.jsonl; only media=fo; }
            """);
        var log = Path.Combine(host.WorkDirectory, "events.jsonl");
        // source_timeout 5: on a loaded machine ffmpeg's encoder behind fake:// may take more than 2 s to its first
        // frame, and the stream would then fail over back and forth without ever producing.
        var switched = await EventLog.WaitForAsync(log, EventLog.Is("source_switch", "fo"), TimeSpan.FromSeconds(30), "source_switch to the backup");
        Assert.Contains("fake://", switched.First(EventLog.Is("source_switch", "fo")).GetProperty("to").GetString());
        await AssertPlaysAsHlsAndMpegTsAsync(host, "fo");

        using var sending = new CancellationTokenSource();
        var sender = MediaTools.SendUdpAsync(_clipTs, port, sending.Token);
        // Back because the primary delivers again: a loaded machine may also switch to it after the backup failed.
        await EventLog.WaitForAsync(log, e => EventLog.Is("source_switch", "fo")(e) && e.GetProperty("to").GetString()!.StartsWith("udp://")
            && e.GetProperty("reason").GetString() == "primary_recovered", TimeSpan.FromSeconds(60), "source_switch back to the primary");
        sending.Cancel();
        await sender;
    }

    [Fact]
    public async Task A_flussonic_stream_block_loads_its_backup_plays_while_the_source_is_lost_with_its_title_and_segment_settings()
    {
        var port = FreePort.Tcp();
        var work = Directory.CreateTempSubdirectory("sluice-media-host-").FullName;
        File.Copy(_clipTs, Path.Combine(work, "blank.ts"));
        await using var host = await SluiceProcess.StartAsync($$"""
            stream tv {
              input udp://127.0.0.1:{{port}};
              title "Channel One";
              backup blank.ts;
              segment_duration 3;
              segment_count 4;
              transcoder vb=2048k;
              source_timeout 4;
            }
            notify streams { sink log://events.jsonl; only media=tv; }
            """, workDir: work);
        var log = Path.Combine(host.WorkDirectory, "events.jsonl");
        var events = await EventLog.WaitForAsync(log, EventLog.Is("stream_backup", "tv"), TimeSpan.FromSeconds(60), "stream_backup");
        Assert.Equal(Path.Combine(host.WorkDirectory, "blank.ts"), events.First(EventLog.Is("stream_backup", "tv")).GetProperty("file").GetString());

        using (var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/streams/tv")))
        {
            Assert.Equal("Channel One", doc.RootElement.GetProperty("title").GetString());
            Assert.Equal("backup", doc.RootElement.GetProperty("state").GetString());
        }
        // Viewers get the backup, cut as the stream asks: 3 s segments (keyframe every second), 4 listed.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string playlist;
        while (true)
        {
            playlist = await MediaTools.WaitForOkAsync(host.Http, "/tv/index.m3u8", TimeSpan.FromSeconds(40));
            if (playlist.Split('\n').Count(l => l.StartsWith("#EXTINF:")) == 4) break;
            Assert.True(DateTime.UtcNow < deadline, playlist);
            await Task.Delay(500);
        }
        var durations = playlist.Split('\n').Where(l => l.StartsWith("#EXTINF:"))
            .Select(l => double.Parse(l[8..].TrimEnd(',', '\r'), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(durations.Count(d => d is > 2.9 and < 3.1) >= 3, playlist); // one may hold the loop's seam
        Assert.Matches(@"#EXT-X-TARGETDURATION:[34]\n", playlist);
        Assert.Equal(["aac", "h264"], MediaTools.Codecs(await MediaTools.ProbeStreamsAsync($"http://127.0.0.1:{host.Port}/tv/index.m3u8")));

        // The source comes: it takes over from the backup.
        using var sending = new CancellationTokenSource();
        var sender = MediaTools.SendUdpAsync(_clipTs, port, sending.Token);
        await EventLog.WaitForAsync(log, e => EventLog.Is("source_started", "tv")(e) && e.GetProperty("url").GetString()!.StartsWith("udp://"),
            TimeSpan.FromSeconds(60), "the udp source taking over");
        sending.Cancel();
        await sender;
        Assert.Contains("stream tv: playing the backup", host.Output);
        Assert.Contains("warning: 'transcoder' in 'stream' is not supported by this build; ignored", host.Output);
    }

    [Fact]
    public async Task Ondemand_stream_starts_for_a_viewer_and_stops_after_clients_timeout()
    {
        await using var host = await SluiceProcess.StartAsync("""
            ondemand od { input fake://od; clients_timeout 3; }
            notify streams { sink log://events.jsonl; only media=od; }
            """);
        var log = Path.Combine(host.WorkDirectory, "events.jsonl");
        Assert.DoesNotContain("stream_started", EventLog.Names(await EventLog.ReadAsync(log)));

        await MediaTools.WaitForOkAsync(host.Http, "/od/index.m3u8", TimeSpan.FromSeconds(40));
        await EventLog.WaitForAsync(log, EventLog.Is("stream_started", "od"), TimeSpan.FromSeconds(10), "stream_started");
        await EventLog.WaitForAsync(log, EventLog.Is("stream_stopped", "od"), TimeSpan.FromSeconds(60), "stream_stopped after clients_timeout");
    }

    [Fact]
    public async Task File_vod_serves_hls_and_mpegts_and_refuses_escapes()
    {
        var vod = Path.Combine(_dir, "vod");
        Directory.CreateDirectory(vod);
        File.Copy(_clipMp4, Path.Combine(vod, "bunny.mp4"), true);
        await using var host = await SluiceProcess.StartAsync($"file vod {{ path {vod}; }}\n");

        var playlist = await MediaTools.WaitForOkAsync(host.Http, "/vod/bunny.mp4/index.m3u8", TimeSpan.FromSeconds(60));
        Assert.Contains("#EXT-X-ENDLIST", playlist);
        var streams = await MediaTools.ProbeStreamsAsync($"http://127.0.0.1:{host.Port}/vod/bunny.mp4/index.m3u8");
        Assert.Equal(["aac", "h264"], MediaTools.Codecs(streams));
        var listed = playlist.Split('\n').Where(l => l.StartsWith("#EXTINF:"))
            .Sum(l => double.Parse(l[8..].TrimEnd(',', '\r'), System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(listed, 5, 7);
        // The whole file as one MPEG-TS: saved, it probes as the 6 s clip.
        var saved = Path.Combine(_dir, "bunny-out.ts");
        await File.WriteAllBytesAsync(saved, await host.Http.GetByteArrayAsync("/vod/bunny.mp4/mpegts"));
        Assert.InRange((await MediaTools.DurationAsync(saved)).TotalSeconds, 5, 7);
        Assert.Equal(["aac", "h264"], MediaTools.Codecs(await MediaTools.ProbeStreamsAsync(saved)));

        using var escape = await host.Http.GetAsync("/vod/..%2F..%2Fetc%2Fpasswd.mp4/index.m3u8");
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
        using var missing = await host.Http.GetAsync("/vod/nothere.mp4/index.m3u8");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Published_mpegts_plays_back()
    {
        await using var host = await SluiceProcess.StartAsync("live pub { }\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var publishing = Task.Run(async () =>
        {
            // Publish in real time, like an encoder would, by HTTP PUT.
            var (code, _, err) = await MediaTools.RunAsync("ffmpeg", TimeSpan.FromSeconds(60), "-nostdin", "-v", "error", "-re",
                "-stream_loop", "2", "-i", _clipTs, "-c", "copy", "-f", "mpegts", "-method", "PUT",
                $"http://127.0.0.1:{host.Port}/pub/cam1/mpegts");
            return (code, err);
        });
        var playlist = await MediaTools.WaitForOkAsync(host.Http, "/pub/cam1/index.m3u8", TimeSpan.FromSeconds(40));
        Assert.Contains("#EXTINF", playlist);
        var streams = await MediaTools.ProbeStreamsAsync($"http://127.0.0.1:{host.Port}/pub/cam1/index.m3u8");
        Assert.Equal(["aac", "h264"], MediaTools.Codecs(streams));
        var (code, err) = await publishing;
        Assert.True(code == 0, err);
    }

    [Fact]
    public async Task Streams_api_lists_state_input_and_media_info()
    {
        await using var host = await SluiceProcess.StartAsync("stream cam { input fake://cam; }\n");
        await MediaTools.WaitForOkAsync(host.Http, "/cam/index.m3u8", TimeSpan.FromSeconds(40));
        using var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/streams/cam"));
        var json = doc.RootElement.GetRawText();
        Assert.Contains("fake://cam", json);
        Assert.Contains("h264", json);
        using var list = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/streams"));
        Assert.Contains("cam", list.RootElement.GetRawText());
        using var unknown = await host.Http.GetAsync("/api/v1/streams/none");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private string MakeWorkDir(params string[] files)
    {
        var dir = Directory.CreateTempSubdirectory("sluice-media-host-").FullName;
        foreach (var f in files) File.Copy(Path.Combine(_dir, f), Path.Combine(dir, f), true);
        return dir;
    }
}
