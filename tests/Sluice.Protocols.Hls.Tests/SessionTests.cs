using System.Diagnostics;
using System.Net;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Hls.Tests.Support;

namespace Sluice.Protocols.Hls.Tests;

[Collection(HlsCollection.Name)]
public sealed class SessionTests(HlsFixture fixture)
{
    [Fact]
    public async Task HLS_requests_of_one_client_form_one_play_session_that_closes_when_idle()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("session-test/1.0");
        var stream = fixture.Registry.Add("cam-sessions");
        await using var player = LoopingPlayer.Start(fixture.Files.LiveClip, stream);

        var playlist = await MediaPlaylist.GetAsync(client, "/cam-sessions/index.m3u8");
        long bytes = 0;
        foreach (var segment in playlist.Segments) bytes += (await client.GetByteArrayAsync("/cam-sessions/" + segment.Uri)).Length;
        await MediaPlaylist.GetAsync(client, "/cam-sessions/mono.m3u8");

        var mine = fixture.Sessions.All.Where(s => s.UserAgent == "session-test/1.0").ToList();
        var session = Assert.Single(mine);
        Assert.Equal((SessionKind.Play, "cam-sessions", "hls", "127.0.0.1"), (session.Kind, session.Media, session.Protocol, session.Ip));
        Assert.Equal(1, session.StartedCalls);
        Assert.Equal(bytes, session.Bytes);
        Assert.Equal(1, stream.Viewers);

        var clock = Stopwatch.StartNew();
        while (!session.Closed && clock.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(200);
        Assert.True(session.Closed);
        Assert.True(clock.Elapsed > HlsFixture.Options.SessionIdleTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(0, stream.Viewers);
    }

    [Fact]
    public async Task An_mpegts_connection_is_one_session_closed_with_the_connection()
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("mpegts-session/1.0");
        var received = await TsReceiver.ReadAsync(client, "/cam1/mpegts", TimeSpan.FromSeconds(2));

        var session = Assert.Single(fixture.Sessions.All, s => s.UserAgent == "mpegts-session/1.0");
        Assert.Equal("mpegts", session.Protocol);
        var clock = Stopwatch.StartNew();
        while (!session.Closed && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        Assert.True(session.Closed);
        Assert.Equal(1, session.StartedCalls);
        Assert.InRange(session.Bytes, received.Bytes, received.Bytes + (1 << 20)); // what was sent, at least what was read
    }

    [Fact]
    public async Task When_max_sessions_is_reached_new_viewers_get_503_max_sessions_reached()
    {
        fixture.Sessions.MaxSessions = fixture.Sessions.Open;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(fixture.Host.BaseUrl) };
            client.DefaultRequestHeaders.UserAgent.ParseAdd("one-too-many/1.0");
            foreach (var path in new[] { "/cam1/index.m3u8", "/cam1/mpegts", "/vod/clip.mp4/index.m3u8" })
            {
                using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("max_sessions reached", (await response.Content.ReadAsStringAsync()).Trim());
            }
            Assert.DoesNotContain(fixture.Sessions.All, s => s.UserAgent == "one-too-many/1.0");
        }
        finally
        {
            fixture.Sessions.MaxSessions = int.MaxValue;
        }
    }
}
