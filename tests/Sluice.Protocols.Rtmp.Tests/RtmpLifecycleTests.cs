using System.Net.Sockets;
using Sluice.Protocols.Rtmp.Tests.Support;
using Sluice.Testing;
using static Sluice.Protocols.Rtmp.Tests.Support.EventLog;

namespace Sluice.Protocols.Rtmp.Tests;

/// <summary>The RTMP plugin in a running host over time: listeners follow reloads, a silent publisher times out.</summary>
[Collection(RtmpCollection.Name)]
public sealed class RtmpLifecycleTests(Clips clips)
{
    [Fact]
    public async Task Rtmp_listeners_open_and_close_on_reload_with_their_events()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var moved = FreePort.Tcp();
        var added = FreePort.Tcp();
        var text = await File.ReadAllTextAsync(host.ConfigPath);
        await File.WriteAllTextAsync(host.ConfigPath, text.Replace($"rtmp 127.0.0.1:{host.RtmpPort};", $"rtmp 127.0.0.1:{moved};\nrtmp 127.0.0.1:{added};"));
        using (var r = await host.Http.PostAsync("/api/v1/config/reload", null))
            Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");

        foreach (var port in new[] { moved, added })
        {
            await WaitForAsync(host.EventsPath, e => Is("listener_start")(e) && Str(e, "protocol") == "rtmp" && Str(e, "address") == $"127.0.0.1:{port}",
                $"listener_start of rtmp 127.0.0.1:{port}");
            await using var client = await TestRtmpClient.ConnectAsync(port, "live", [], cts.Token); // a whole handshake and connect
        }
        // The old port is closed: nothing accepts there any more.
        var refused = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", host.RtmpPort, cts.Token);
        });
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Contains($"closed rtmp://127.0.0.1:{host.RtmpPort}", host.Output);

        // A publisher on the new port still works end to end.
        await using var publisher = Peer.FfmpegPublish(clips.Flv, $"rtmp://127.0.0.1:{moved}/live/cam");
        await WaitForAsync(host.EventsPath, Is("source_started", "live/cam"), "source_started of live/cam on the new port");
    }

    [Fact]
    public async Task A_publisher_that_stays_connected_and_silent_gets_frames_timed_out()
    {
        await using var host = await SluiceHost.StartAsync("live live { source_timeout 2s; }\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var track = Mp4VideoTrack.Read(clips.HevcMp4);
        await using var publisher = await TestRtmpClient.ConnectAsync(host.RtmpPort, "live", ["hvc1"], cts.Token);
        var (code, streamId) = await publisher.PublishAsync("quiet", cts.Token);
        Assert.Equal("NetStream.Publish.Start", code);
        await publisher.SendVideoAsync(streamId, 0, EnhancedTag(0, keyframe: true, track.ConfigRecord), cts.Token);
        foreach (var sample in track.Samples.Take(25)) // one second of pictures at once, then silence
            await publisher.SendVideoAsync(streamId, (uint)sample.DtsMs, EnhancedTag(3, sample.Keyframe, sample.Data), cts.Token);
        await WaitForAsync(host.EventsPath, Is("source_started", "live/quiet"), "source_started of live/quiet");

        var events = await WaitForAsync(host.EventsPath, Is("frames_timed_out", "live/quiet"), "frames_timed_out of the silent publisher");
        var started = Array.FindIndex(events, e => Is("source_started", "live/quiet")(e));
        var timedOut = Array.FindIndex(events, e => Is("frames_timed_out", "live/quiet")(e));
        Assert.True(started < timedOut, string.Join(", ", Names(events, "live/quiet")));
        Assert.Single(events, e => Is("frames_timed_out", "live/quiet")(e));
        Assert.DoesNotContain(events, e => Is("source_closed", "live/quiet")(e)); // it was told about the silence, not dropped yet
        Assert.False(host.HasExited);
    }

    /// <summary>An Enhanced RTMP HEVC tag: SequenceStart (0) or CodedFramesX (3), then the FourCC and the payload.</summary>
    private static byte[] EnhancedTag(byte packet, bool keyframe, byte[] payload)
    {
        var tag = new byte[5 + payload.Length];
        tag[0] = (byte)(0x80 | ((keyframe ? 1 : 2) << 4) | packet);
        "hvc1"u8.CopyTo(tag.AsSpan(1));
        payload.CopyTo(tag, 5);
        return tag;
    }
}
