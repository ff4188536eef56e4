using System.Net;
using System.Text.Json;
using Sluice.Protocols.Rtmp.Tests.Support;
using static Sluice.Protocols.Rtmp.Tests.Support.EventLog;

namespace Sluice.Protocols.Rtmp.Tests;

/// <summary>Real encoders and players against a running Sluice: ffmpeg, GStreamer, nginx-rtmp.</summary>
[Collection(RtmpCollection.Name)]
public sealed class PeerTests(Clips clips)
{
    [Fact]
    public async Task Ffmpeg_publishes_and_plays_and_the_published_stream_is_served_as_hls_and_mpegts_with_its_events()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/cam"));
        await WaitForAsync(host.EventsPath, Is("source_started", "live/cam"), "source_started of live/cam");

        var (code, errors) = await Peer.FfmpegPlayAsync(host.Rtmp("live/cam"), 3);
        Assert.True(code == 0 && errors.Trim().Length == 0, $"ffmpeg playing RTMP: {errors}\n{host.Output}");

        // HLS: h264 + aac, every segment starts with a keyframe, and 10 s decode without a warning.
        var playlist = await Media.WaitForOkAsync(host.Http, "/live/cam/index.m3u8");
        Assert.Equal(["aac", "h264"], await Media.CodecsAsync(host.HttpUrl("live/cam/index.m3u8")));
        var mono = await Media.WaitForOkAsync(host.Http, "/live/cam/mono.m3u8");
        var segments = mono.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Trim()).ToArray();
        Assert.NotEmpty(segments);
        foreach (var segment in segments.TakeLast(3))
            Assert.StartsWith("K", await Media.FirstVideoPacketFlagsAsync(host.HttpUrl("live/cam/" + segment)));
        var (hls, hlsErrors) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "ffmpeg", "-nostdin", "-v", "warning",
            "-i", host.HttpUrl("live/cam/index.m3u8"), "-t", "10", "-f", "null", "-");
        Assert.True(hls == 0 && hlsErrors.Trim().Length == 0, $"ffmpeg decoding HLS: {hlsErrors}\n{playlist}");
        var (ts, tsErrors) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "ffmpeg", "-nostdin", "-v", "warning",
            "-i", host.HttpUrl("live/cam/mpegts"), "-t", "3", "-f", "null", "-");
        Assert.True(ts == 0 && tsErrors.Trim().Length == 0, $"ffmpeg decoding MPEG-TS: {tsErrors}");

        // The events of each step, with what the issue asks them to carry.
        var events = await WaitForAsync(host.EventsPath, e => Is("play_closed", "live/cam")(e) && Str(e, "proto") == "rtmp", "play_closed of the RTMP player");
        var names = Names(events, "live/cam");
        foreach (var name in new[] { "source_opened", "source_connected", "source_started", "publish_started", "stream_media_info",
                     "play_opened", "play_connected", "play_started", "play_closed", "session_opened", "session_closed" })
            Assert.Contains(name, names);
        Assert.True(Array.IndexOf(names, "source_opened") < Array.IndexOf(names, "source_connected")
            && Array.IndexOf(names, "source_connected") < Array.IndexOf(names, "source_started"), string.Join(", ", names));
        var opened = events.First(Is("source_opened", "live/cam"));
        Assert.Equal(("127.0.0.1", "rtmp", "live"), (Str(opened, "ip"), Str(opened, "proto"), Str(opened, "app")));
        var info = events.First(Is("stream_media_info", "live/cam"));
        Assert.Equal(("h264", "640", "360", "aac"), (Str(info, "video_codec"), Str(info, "width"), Str(info, "height"), Str(info, "audio_codec")));
        var played = events.First(e => Is("play_closed", "live/cam")(e) && Str(e, "proto") == "rtmp");
        Assert.True(long.Parse(Str(played, "bytes")!) > 100_000, played.ToString());
        Assert.Equal("127.0.0.1", Str(played, "ip"));

        await publisher.KillAsync();
        await WaitForAsync(host.EventsPath, Is("source_closed", "live/cam"), "source_closed after the publisher left");
        Assert.False(host.HasExited);
    }

    [Fact]
    public async Task Mp3_audio_published_over_rtmp_is_served_as_hls_mpegts_and_rtmp()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        // The clip's H.264 as it is, its audio as MP3 at 44.1 kHz (a rate FLV's sound header can say).
        await using var publisher = Peer.Start("ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", clips.Flv,
            "-c:v", "copy", "-c:a", "libmp3lame", "-ar", "44100", "-b:a", "128k", "-f", "flv", host.Rtmp("live/mp3"));
        var events = await WaitForAsync(host.EventsPath, Is("stream_media_info", "live/mp3"), "stream_media_info of live/mp3");
        Assert.Equal(("h264", "mp3"), (Str(events.First(Is("stream_media_info", "live/mp3")), "video_codec"), Str(events.First(Is("stream_media_info", "live/mp3")), "audio_codec")));

        await Media.WaitForOkAsync(host.Http, "/live/mp3/index.m3u8");
        Assert.Equal(["h264", "mp3"], await Media.CodecsAsync(host.HttpUrl("live/mp3/index.m3u8")));
        Assert.Equal(["h264", "mp3"], await Media.CodecsAsync(host.Rtmp("live/mp3")));
        var (code, errors) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "ffmpeg", "-nostdin", "-v", "warning",
            "-i", host.HttpUrl("live/mp3/mpegts"), "-t", "3", "-f", "null", "-");
        Assert.True(code == 0 && errors.Trim().Length == 0, $"ffmpeg decoding MPEG-TS with MP3: {errors}\n{host.Output}");
    }

    [Fact]
    public async Task GStreamer_rtmp2sink_publishes_and_rtmp2src_plays()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        // rtmp2sink takes FLV from flvmux: the clip's own H.264 and AAC, paced by the pipeline's clock.
        await using var publisher = Peer.Start("gst-launch-1.0", "-q", "filesrc", $"location={clips.Flv}", "!", "flvdemux", "name=d",
            "d.video", "!", "queue", "!", "h264parse", "!", "flvmux", "name=m", "streamable=true", "!", "rtmp2sink", $"location={host.Rtmp("live/gst")}",
            "d.audio", "!", "queue", "!", "aacparse", "!", "m.");
        await WaitForAsync(host.EventsPath, Is("source_started", "live/gst"), "source_started of live/gst");
        Assert.Equal(["aac", "h264"], await Media.CodecsAsync(host.Rtmp("live/gst")));

        await using var ffmpeg = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/cam"));
        await WaitForAsync(host.EventsPath, Is("source_started", "live/cam"), "source_started of live/cam");
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "gst-launch-1.0", "-q", "rtmp2src", $"location={host.Rtmp("live/cam")}",
            "!", "flvdemux", "name=d", "d.video", "!", "queue", "!", "h264parse", "!", "fakesink", "num-buffers=75");
        Assert.True(code == 0, $"rtmp2src: {output}\n{host.Output}");
        var events = await WaitForAsync(host.EventsPath, e => Is("play_started", "live/cam")(e) && Str(e, "proto") == "rtmp", "play_started of rtmp2src");
        Assert.True(events.Any(Is("publish_started", "live/gst")), string.Join(", ", events.Select(e => Str(e, "event"))));
    }

    [Fact]
    public async Task A_password_protects_publishing_and_never_shows_in_logs_or_events()
    {
        await using var host = await SluiceHost.StartAsync("live secure { password s3cr3tword; }\n");
        var (refused, _) = await Peer.RunAsync(TimeSpan.FromSeconds(30), "ffmpeg", "-nostdin", "-v", "error", "-re", "-i", clips.Flv,
            "-t", "2", "-c", "copy", "-f", "flv", host.Rtmp("secure/cam"));
        Assert.NotEqual(0, refused);
        var (wrong, _) = await Peer.RunAsync(TimeSpan.FromSeconds(30), "ffmpeg", "-nostdin", "-v", "error", "-re", "-i", clips.Flv,
            "-t", "2", "-c", "copy", "-f", "flv", host.Rtmp("secure/cam?password=guessed"));
        Assert.NotEqual(0, wrong);
        Assert.Contains("refused to let 127.0.0.1 publish secure/cam over rtmp", host.Output);

        await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("secure/cam?password=s3cr3tword"));
        await WaitForAsync(host.EventsPath, Is("source_started", "secure/cam"), "source_started with the right password");
        Assert.Equal(["aac", "h264"], await Media.CodecsAsync(host.Rtmp("secure/cam")));
        Assert.DoesNotContain("s3cr3tword", host.Output);
        Assert.DoesNotContain("s3cr3tword", await File.ReadAllTextAsync(host.EventsPath));
        Assert.DoesNotContain("s3cr3tword", await host.Http.GetStringAsync("/api/v1/streams/secure/cam"));
    }

    [Fact]
    public async Task An_on_publish_backend_that_refuses_keeps_the_publisher_out_and_one_that_allows_lets_it_in()
    {
        await using var backend = await HttpReceiver.StartAsync();
        backend.Respond = ctx => { ctx.Response.StatusCode = 403; return Task.CompletedTask; };
        await using var host = await SluiceHost.StartAsync($"live guarded {{ on_publish {backend.BaseUrl}/publish; }}\n");

        var (refused, _) = await Peer.RunAsync(TimeSpan.FromSeconds(30), "ffmpeg", "-nostdin", "-v", "error", "-re", "-i", clips.Flv,
            "-t", "2", "-c", "copy", "-f", "flv", host.Rtmp("guarded/cam?token=abc"));
        Assert.NotEqual(0, refused);
        var asked = Assert.Single(backend.Requests);
        using (var body = JsonDocument.Parse(asked.Body))
        {
            var r = body.RootElement;
            Assert.Equal(("guarded/cam", "rtmp", "127.0.0.1", "abc", "token=abc", "new_session"),
                (r.GetProperty("name").GetString(), r.GetProperty("proto").GetString(), r.GetProperty("ip").GetString(),
                 r.GetProperty("token").GetString(), r.GetProperty("qs").GetString(), r.GetProperty("request_type").GetString()));
            Assert.False(string.IsNullOrEmpty(r.GetProperty("session_id").GetString()));
            Assert.True(r.TryGetProperty("user_agent", out _));
        }
        Assert.Contains("answered 403", host.Output);

        backend.Respond = ctx => { ctx.Response.StatusCode = 200; return Task.CompletedTask; };
        await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("guarded/cam?token=abc"));
        await WaitForAsync(host.EventsPath, Is("source_started", "guarded/cam"), "source_started once the backend allows");
    }

    [Fact]
    public async Task On_play_is_asked_once_per_session_for_rtmp_hls_and_mpegts_alike()
    {
        await using var backend = await HttpReceiver.StartAsync();
        backend.Respond = ctx =>
        {
            // The receiver has read the body already: this request is the last one of its connection.
            using var body = JsonDocument.Parse(backend.Requests.Last(r => r.ConnectionId == ctx.Connection.Id).Body);
            ctx.Response.StatusCode = body.RootElement.GetProperty("token").GetString() == "good" ? 200 : 403;
            return Task.CompletedTask;
        };
        await using var host = await SluiceHost.StartAsync($"auth_token key;\nlive tv {{ on_play {backend.BaseUrl}/play; }}\n");
        await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("tv/one"));
        await WaitForAsync(host.EventsPath, Is("source_started", "tv/one"), "source_started of tv/one");

        var (bad, _) = await Peer.FfmpegPlayAsync(host.Rtmp("tv/one?key=bad"), 1);
        Assert.NotEqual(0, bad);
        var (good, errors) = await Peer.FfmpegPlayAsync(host.Rtmp("tv/one?key=good"), 2);
        Assert.True(good == 0, errors);

        using var hlsClient = new HttpClient { BaseAddress = new Uri(host.HttpUrl("")) };
        hlsClient.DefaultRequestHeaders.UserAgent.ParseAdd("bad-viewer/1");
        using (var r = await hlsClient.GetAsync("/tv/one/index.m3u8?key=bad")) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await host.Http.GetAsync("/tv/one/mpegts?key=bad", HttpCompletionOption.ResponseHeadersRead)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var playlist = await Media.WaitForOkAsync(host.Http, "/tv/one/index.m3u8?key=good");
        Assert.Contains("#EXTM3U", playlist);
        var before = backend.Requests.Count;
        await Media.WaitForOkAsync(host.Http, "/tv/one/index.m3u8?key=good"); // the same HLS session: not asked again
        Assert.Equal(before, backend.Requests.Count);
        using (var r = await host.Http.GetAsync("/tv/one/mpegts?key=good", HttpCompletionOption.ResponseHeadersRead)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var protos = backend.Requests.Select(q => JsonDocument.Parse(q.Body).RootElement.GetProperty("proto").GetString()!).ToHashSet();
        Assert.Equal(["hls", "mpegts", "rtmp"], protos.Order().ToArray());
        Assert.All(backend.Requests, q => Assert.Equal("tv/one", JsonDocument.Parse(q.Body).RootElement.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_publisher_that_reconnects_takes_over_and_players_keep_playing()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        var first = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/obs"));
        await WaitForAsync(host.EventsPath, Is("source_started", "live/obs"), "source_started of the first publisher");
        var player = Peer.FfmpegPlayAsync(host.Rtmp("live/obs"), 12, TimeSpan.FromSeconds(90));
        await WaitForAsync(host.EventsPath, e => Is("play_started", "live/obs")(e) && Str(e, "proto") == "rtmp", "play_started");

        // The network-drop case: the old connection hangs (the encoder is frozen, its socket stays open) and
        // the encoder comes back on a new one; the new publisher takes the stream over.
        Signal(first, "STOP");
        await using var second = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/obs"));
        var events = await WaitForAsync(host.EventsPath, Is("source_switch", "live/obs"), "source_switch to the new publisher");
        Signal(first, "CONT");
        await first.DisposeAsync();

        // A publisher killed outright and started again: the player stays too.
        await WaitForCountAsync(host.EventsPath, Is("publish_started", "live/obs"), 2, "the second publisher's media");
        await second.KillAsync();
        await using var third = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/obs"));
        await WaitForCountAsync(host.EventsPath, Is("publish_started", "live/obs"), 3, "the third publisher's media");

        var (code, errors) = await player;
        Assert.True(code == 0 && errors.Trim().Length == 0, $"the player: {errors}\n{host.Output}");
        events = await ReadAsync(host.EventsPath);
        var list = events.ToList();
        Assert.Single(events, e => Is("source_switch", "live/obs")(e));
        Assert.Equal("takeover", Str(events.First(Is("source_switch", "live/obs")), "reason"));
        // One RTMP play session from before the first switch to after the third publisher came.
        Assert.Single(events, e => Is("play_opened", "live/obs")(e) && Str(e, "proto") == "rtmp");
        var closed = await WaitForAsync(host.EventsPath, e => Is("play_closed", "live/obs")(e) && Str(e, "proto") == "rtmp", "play_closed");
        Assert.True(closed.ToList().FindIndex(e => Is("play_closed", "live/obs")(e) && Str(e, "proto") == "rtmp")
            > closed.ToList().FindLastIndex(e => Is("publish_started", "live/obs")(e)), string.Join(", ", Names(closed, "live/obs")));
    }

    [Fact]
    public async Task Sluice_pushes_into_nginx_rtmp_and_pulls_from_it()
    {
        await using var nginx = await NginxRtmp.StartAsync();
        await using var host = await SluiceHost.StartAsync($$"""
            stream studio { input publish://; push {{nginx.Url("live/fromsluice")}}; }
            stream relayed { input {{nginx.Url("live/fromsluice")}}; }
            """);
        await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("studio"));
        var events = await WaitForAsync(host.EventsPath, Is("push_started", "studio"), "push_started", 40);
        Assert.True(events.Any(Is("push_opened", "studio")), string.Join(", ", events.Select(e => Str(e, "event"))));
        Assert.True(events.Any(Is("push_connected", "studio")), string.Join(", ", events.Select(e => Str(e, "event"))));

        // What nginx got from Sluice plays from nginx itself.
        Assert.Equal(["aac", "h264"], await Media.CodecsAsync(nginx.Url("live/fromsluice")));
        var (code, errors) = await Peer.FfmpegPlayAsync(nginx.Url("live/fromsluice"), 2);
        Assert.True(code == 0 && errors.Trim().Length == 0, $"playing from nginx: {errors}\n{nginx.ErrorLog()}");

        // And Sluice's own client pulls it back from nginx (no ffmpeg child: the managed rtmp:// source).
        await WaitForAsync(host.EventsPath, Is("source_started", "relayed"), "source_started of the pulled stream", 40);
        Assert.Equal(["aac", "h264"], await Media.CodecsAsync(host.Rtmp("relayed")));
        Assert.DoesNotContain("ffmpeg", host.Output.Split('\n').Where(l => l.Contains("relayed")).FirstOrDefault() ?? "");
    }

    private static void Signal(Peer peer, string signal) =>
        System.Diagnostics.Process.Start("kill", $"-{signal} {peer.Pid}")!.WaitForExit(5000);
}
