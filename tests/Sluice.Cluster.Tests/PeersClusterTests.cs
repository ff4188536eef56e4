using System.Net;
using Sluice.Cluster.Tests.Support;

namespace Sluice.Cluster.Tests;

/// <summary>Three real hosts polling each other (the spec's peer lines) on 127.0.0.1, 127.0.0.2 and 127.0.0.3.</summary>
[Collection(nameof(ProcessTests))]
public sealed class PeersClusterTests
{
    private const int FetchMs = 300, StaleMs = 1500;
    private static readonly TimeSpan Failover = TimeSpan.FromMilliseconds(StaleMs) + TimeSpan.FromSeconds(2);

    // capture_at names the host only, as the spec's capture_at=streamer does.
    private static readonly Dictionary<string, string> CaptureAt = new() { ["cam03"] = "127.0.0.3" };

    private static async Task<ClusterGroup> StartAsync(int streams, Func<string, string>? extra = null)
    {
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        return await ClusterGroup.StartAsync(names, n => ClusterGroup.Peers(names, FetchMs, StaleMs) + ClusterGroup.UdpStreams(streams, udp, CaptureAt) + (extra?.Invoke(n) ?? ""));
    }

    /// <summary>Every answering server agrees, and each stream is where the rule puts it among them (see <see cref="ClusterGroup.Settled"/>).</summary>
    private static Func<IReadOnlyList<(ClusterNode Node, ClusterView View)>, bool> Settled(int servers, int streams) =>
        v => ClusterGroup.Settled(v, servers, ClusterGroup.StreamList(streams, CaptureAt));

    private static bool EachOnce(IReadOnlyList<(ClusterNode Node, ClusterView View)> views, int expectedServers, int streams) =>
        views.Count == expectedServers
        && Enumerable.Range(1, streams).All(i => ClusterGroup.Captures(views, $"cam{i:00}") == 1)
        && views.All(v => v.View.Streams.Values.All(s => s.Server is not null));

    [Fact]
    public async Task Three_servers_capture_each_stream_once_fail_over_within_stale_timeout_and_fail_back()
    {
        await using var group = await StartAsync(6);
        await group.WaitAsync(Settled(3, 6), TimeSpan.FromSeconds(30), "each stream captured exactly once, where the rule puts it");
        var views = group.LastViews;
        Assert.Contains("cam03", views.Single(v => v.Node == group[2]).View.CapturedHere); // capture_at wins
        // Every server agrees on where every stream is.
        foreach (var s in views[0].View.Streams.Keys)
            Assert.Single(views.Select(v => v.View.Streams[s].Server).Distinct());
        Assert.All(views, v => Assert.Equal("peers", v.View.Strategy));

        // A viewer entering anywhere is sent to the capturing server, same path and query.
        var elsewhere = group[0];
        using (var redirect = await elsewhere.Http.GetAsync("/cam03/index.m3u8?token=abc"))
        {
            Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
            Assert.Equal($"http://{group[2].Name}/cam03/index.m3u8?token=abc", redirect.Headers.Location!.AbsoluteUri);
        }

        // The capture_at server dies (kill -9): cam03 is captured elsewhere within stale_timeout + 2 s.
        await group[2].KillAsync();
        // Each survivor marks it dead stale_timeout after its own last answer from it (they polled it at different
        // moments): the failover is over when both agree, and the redirects then name the new holder.
        var took = await group.WaitAsync(Settled(2, 6), Failover + TimeSpan.FromSeconds(3), "failover after kill -9");
        Assert.True(took < Failover + TimeSpan.FromSeconds(1), $"failover took {took.TotalSeconds:0.0} s");
        var after = group.LastViews;
        Assert.All(after, v => Assert.False(v.View.Peers[group[2].Name]));
        var holder = after.Single(v => v.View.CapturedHere.Contains("cam03")).Node;
        using (var redirect = await after.First(v => v.Node != holder).Node.Http.GetAsync("/cam03/mpegts"))
            Assert.Equal($"http://{holder.Name}/cam03/mpegts", redirect.Headers.Location!.AbsoluteUri);

        // It comes back: cam03 goes back to it, and the others' streams stay where they were.
        var before = after.SelectMany(v => v.View.CapturedHere.Where(s => s != "cam03").Select(s => (s, v.Node.Name))).ToHashSet();
        await group[2].StartAsync();
        await group.WaitAsync(Settled(3, 6), TimeSpan.FromSeconds(20), "failback to capture_at, the rest back where the rule puts it");
        var back = group.LastViews;
        Assert.Contains("cam03", back.Single(v => v.Node == group[2]).View.CapturedHere);
        using (var redirect = await group[0].Http.GetAsync("/cam03/index.m3u8"))
            Assert.Equal($"http://{group[2].Name}/cam03/index.m3u8", redirect.Headers.Location!.AbsoluteUri);
        var moved = before.Count(b => !back.Single(v => v.Node.Name == b.Name).View.CapturedHere.Contains(b.s));
        Assert.True(moved <= 6, "only the returning server's share moves");
        Assert.True(group[0].LogHas("cluster peer " + group[2].Name + " is down"), group[0].Output);
    }

    [Fact]
    public async Task A_server_frozen_by_SIGSTOP_loses_its_streams_in_time_and_on_SIGCONT_lets_them_go_before_taking_its_share_back()
    {
        await using var group = await StartAsync(6);
        await group.WaitAsync(Settled(3, 6), TimeSpan.FromSeconds(30), "each stream captured exactly once, where the rule puts it");
        var victim = ClusterGroup.Busiest(group.LastViews); // the rendezvous share of one server can be empty for 6 streams
        var its = group.LastViews.Single(v => v.Node == victim).View.CapturedHere.ToArray();
        Assert.NotEmpty(its);
        victim.Freeze();
        var took = await group.WaitAsync(v => EachOnce(v, 2, 6), Failover + TimeSpan.FromSeconds(3), "failover from the frozen server");
        Assert.True(took < Failover + TimeSpan.FromSeconds(1), $"failover took {took.TotalSeconds:0.0} s");

        // SIGCONT: it knows it was gone longer than stale_timeout, so it drops what the others took over, and
        // gets its share back only after they let it go: never two captures of a stream at once.
        var streams = Enumerable.Range(1, 6).Select(i => $"cam{i:00}").ToArray();
        var (_, max) = await group.SampleWhileAsync(streams, async () =>
        {
            victim.Resume();
            return await group.WaitAsync(Settled(3, 6), TimeSpan.FromSeconds(20), "its share back after SIGCONT");
        });
        Assert.Equal(1, max);
        Assert.All(its, s => Assert.Contains(s, group.LastViews.Single(v => v.Node == victim).View.CapturedHere));
    }

    [Fact]
    public async Task A_wrong_cluster_key_is_refused_with_403_logged_and_never_echoed()
    {
        await using var group = await StartAsync(2);
        await group.WaitAsync(v => EachOnce(v, 3, 2), TimeSpan.FromSeconds(30), "each stream captured exactly once");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cluster/v1/status");
        request.Headers.Add("X-Sluice-Cluster-Key", "guessed-key-123");
        using var refused = await group[0].Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain("guessed-key-123", body);
        Assert.DoesNotContain(ClusterGroup.Key, body);
        using (var none = await group[0].Http.GetAsync("/cluster/v1/status")) Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        using (var query = await group[0].Http.GetAsync("/cam01/mpegts?cluster_key=guessed-key-123")) Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
        await WaitForLogAsync(group[0], "wrong cluster_key");
        Assert.DoesNotContain("guessed-key-123", group[0].Output);
        Assert.DoesNotContain(ClusterGroup.Key, group[0].Output);

        // The right key gets this server's status: what it captures.
        using var ok = new HttpRequestMessage(HttpMethod.Get, "/cluster/v1/status");
        ok.Headers.Add("X-Sluice-Cluster-Key", ClusterGroup.Key);
        using var answer = await group[0].Http.SendAsync(ok);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains($"\"server\":\"{group[0].Name}\"", await answer.Content.ReadAsStringAsync());
        var cluster = await group[0].Http.GetStringAsync("/api/v1/cluster");
        Assert.DoesNotContain(ClusterGroup.Key, cluster);
    }

    [Fact]
    public async Task A_server_with_another_key_sees_its_peers_dead_and_they_refuse_it()
    {
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        await using var group = await ClusterGroup.StartAsync(names, n =>
            ClusterGroup.Peers(names, FetchMs, StaleMs).Replace(n == names[2] ? ClusterGroup.Key : "\0", "another-key") + ClusterGroup.UdpStreams(2, udp));
        await group.WaitAsync(v => v.Count == 3 && v.Single(x => x.Node == group[2]).View.Peers.Where(p => p.Key != group[2].Name).All(p => !p.Value)
            && v.Single(x => x.Node == group[0]).View.Peers[group[2].Name] == false, TimeSpan.FromSeconds(20), "the odd server isolated");
        await WaitForLogAsync(group[0], "wrong cluster_key");
    }

    [Fact]
    public async Task A_stream_asked_for_and_absent_here_is_pulled_from_the_source_origin()
    {
        var origin = $"127.0.0.2:{FreePort.Tcp(System.Net.IPAddress.Parse("127.0.0.2"))}";
        var edge = $"127.0.0.1:{FreePort.Tcp()}";
        await using var originNode = new ClusterNode(origin, $"cluster_key {ClusterGroup.Key};\nstream live1 {{ input fake://live1; }}\n");
        await using var edgeNode = new ClusterNode(edge, $"cluster_key {ClusterGroup.Key};\nsource {origin};\n");
        await Task.WhenAll(originNode.StartAsync(), edgeNode.StartAsync());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync($"http://{edge}/live1/mpegts", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[188 * 10];
        var read = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (read < buffer.Length) read += await body.ReadAsync(buffer.AsMemory(read), cts.Token) is var n and > 0 ? n : throw new EndOfStreamException();
        Assert.Equal(0x47, buffer[0]); // MPEG-TS sync byte, muxed from what the edge pulled
        var streams = await edgeNode.Http.GetStringAsync("/api/v1/streams");
        Assert.Contains("\"live1\"", streams);
        Assert.DoesNotContain(ClusterGroup.Key, streams); // the pull URL's key is masked
        Assert.Contains("cluster_key=***", streams);
    }

    [Fact]
    public async Task An_RTMP_play_on_a_server_that_does_not_capture_the_stream_is_redirected_to_the_one_that_does()
    {
        var rtmpPort = int.Parse(ClusterGroup.Names(3)[0].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture); // free on .1, .2 and .3
        await using var group = await StartAsync(6, n => $"rtmp {n[..n.LastIndexOf(':')]}:{rtmpPort};\n");
        await group.WaitAsync(Settled(3, 6), TimeSpan.FromSeconds(30), "each stream captured exactly once, where the rule puts it");

        // A real client (ffmpeg's RTMP) plays cam03 on the first server; cam03 is captured on the third
        // (capture_at): the answer is the SRS/FMS redirect, whose description ffmpeg prints.
        var psi = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-nostdin", "-rw_timeout", "10000000", "-i", $"rtmp://127.0.0.1:{rtmpPort}/live/cam03?token=abc", "-t", "1", "-f", "null", "-" })
            psi.ArgumentList.Add(a);
        using var ffmpeg = System.Diagnostics.Process.Start(psi)!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync();
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await ffmpeg.WaitForExitAsync(bound.Token);
        var said = await stderr;
        Assert.NotEqual(0, ffmpeg.ExitCode);
        Assert.Contains($"RTMP 302 Redirect to rtmp://127.0.0.3:{rtmpPort}/live/cam03", said);
        Assert.DoesNotContain("token=abc", group[0].Output); // the query (a token, maybe) is in the redirect, never in the log
        Assert.True(group[0].LogHas("live/cam03 is captured on " + group[2].Name + "; play redirected there"), group[0].Output);
    }

    [Fact]
    public async Task The_DVR_of_a_cluster_stream_records_only_on_the_capturing_server_and_follows_a_failover()
    {
        var names = ClusterGroup.Names(3);
        var udp = FreePort.Udp();
        // cam01 and cam02 cost nothing; tv1 has a real (ffmpeg) source and a DVR in each server's own folder.
        await using var group = await ClusterGroup.StartAsync(names, _ => ClusterGroup.Peers(names, FetchMs, StaleMs) + ClusterGroup.UdpStreams(2, udp)
            + "stream tv1 { input fake://tv1; cluster_ingest; dvr archive 1h; }\n");
        var streams = ClusterGroup.StreamList(2).Append(new Sluice.Abstractions.Cluster.ClusterStream("tv1", null)).ToArray();
        await group.WaitAsync(v => ClusterGroup.Settled(v, 3, streams), TimeSpan.FromSeconds(30), "each stream captured exactly once, where the rule puts it");
        var recorder = group.LastViews.Single(v => v.View.CapturedHere.Contains("tv1")).Node;
        // Written since the group settled, with a second's grace for a recording that stopped when it did.
        var settled = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        int Fragments(ClusterNode n) => Directory.Exists(Path.Combine(n.Folder, "archive"))
            ? Directory.GetFiles(Path.Combine(n.Folder, "archive"), "*.ts*", SearchOption.AllDirectories).Count(f => File.GetLastWriteTimeUtc(f) > settled) : 0;
        await WaitForAsync(() => Fragments(recorder) > 1, "fragments in the capturing server's archive", recorder);
        Assert.All(group.Nodes.Where(n => n != recorder), n => Assert.Equal(0, Fragments(n)));

        // Its server dies: tv1 is captured elsewhere, and recorded there; the third server still records nothing.
        await recorder.KillAsync();
        await group.WaitAsync(v => ClusterGroup.Settled(v, 2, streams), Failover + TimeSpan.FromSeconds(3), "failover after kill -9");
        var next = group.LastViews.Single(v => v.View.CapturedHere.Contains("tv1")).Node;
        settled = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        await WaitForAsync(() => Fragments(next) > 1, "fragments in the new capturing server's archive", next);
        Assert.All(group.Nodes.Where(n => n != recorder && n != next), n => Assert.Equal(0, Fragments(n)));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, ClusterNode node)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"no {what} within 60 s:\n{node.Output}");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForLogAsync(ClusterNode node, string text)
    {
        for (var i = 0; i < 100 && !node.LogHas(text); i++) await Task.Delay(100);
        Assert.True(node.LogHas(text), $"no '{text}' in the log:\n{node.Output}");
    }
}

/// <summary>Process tests run one at a time: each starts several hosts on a shared 2-core machine.</summary>
[CollectionDefinition(nameof(ProcessTests), DisableParallelization = true)]
public sealed class ProcessTests;
