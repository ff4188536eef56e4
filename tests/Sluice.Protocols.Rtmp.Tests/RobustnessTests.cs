using System.Net;
using System.Net.Sockets;
using Sluice.Protocols.Rtmp.Tests.Support;
using static Sluice.Protocols.Rtmp.Tests.Support.EventLog;

namespace Sluice.Protocols.Rtmp.Tests;

/// <summary>Bad input on the RTMP port: mutated captures of a real publisher, garbage, idle connections.</summary>
[Collection(RtmpCollection.Name)]
public sealed class RobustnessTests(Clips clips)
{
    private const int HandshakeSize = 1 + 1536 + 1536; // C0 C1 C2: what comes before the first chunk

    [Fact]
    public async Task Thousands_of_mutated_captures_of_a_real_publisher_close_their_own_connections_only()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        byte[] capture;
        await using (var proxy = new RecordingProxy(host.RtmpPort))
        {
            var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "ffmpeg", "-nostdin", "-v", "error", "-re", "-i", clips.Flv,
                "-t", "2", "-c", "copy", "-f", "flv", $"rtmp://127.0.0.1:{proxy.Port}/live/captured");
            Assert.True(code == 0, output);
            await proxy.DisposeAsync();
            capture = proxy.Recorded;
        }
        Assert.True(capture.Length > 50_000, $"capture of {capture.Length} bytes");
        var baseline = host.Memory();

        // Mutations of the capture cut to its first 64 KiB (handshake, connect, publish, metadata, codec headers, first frames):
        // bytes flipped in the chunk stream (headers, lengths, AMF), in the handshake, truncations, and plain noise.
        var random = new Random(11);
        var head = capture.AsSpan(0, Math.Min(capture.Length, 64 << 10)).ToArray();
        var cases = new List<byte[]>();
        for (var i = 0; i < 2400; i++)
        {
            var data = (byte[])head.Clone();
            switch (i % 6)
            {
                case 0 or 1 or 2: // a few bytes of the chunks changed (AMF, headers, message lengths, chunk stream ids)
                    for (var k = random.Next(1, 8); k > 0; k--) data[random.Next(HandshakeSize, HandshakeSize + (i % 3 == 0 ? 600 : data.Length - HandshakeSize))] = (byte)random.Next(256);
                    break;
                case 3: // a run of noise after the handshake
                    random.NextBytes(data.AsSpan(HandshakeSize + random.Next(0, 4000), random.Next(1, 512)));
                    break;
                case 4: // a byte of the handshake changed, and a cut anywhere
                    data[random.Next(0, HandshakeSize)] = (byte)random.Next(256);
                    data = data[..random.Next(1, data.Length)];
                    break;
                default: // noise from the first byte
                    random.NextBytes(data.AsSpan(0, random.Next(1, data.Length)));
                    break;
            }
            cases.Add(data);
        }
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (data, ct) =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, host.RtmpPort, ct);
            try
            {
                await tcp.GetStream().WriteAsync(data, ct);
                tcp.Client.Shutdown(SocketShutdown.Send);
                // Read what the server answers until it closes (or 5 s): its side of the connection ends too.
                using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var buffer = new byte[16 << 10];
                while (await tcp.GetStream().ReadAsync(buffer, read.Token) > 0) { }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidOperationException) { } // closed on us: fine
        });

        Assert.False(host.HasExited, host.Output);
        Assert.DoesNotContain("the connection failed", host.Output); // an exception nobody expected
        Assert.Contains("closing the connection:", host.Output); // malformed input closes with a logged reason
        // The host still publishes and plays, and its memory did not follow the garbage.
        await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/after"));
        await WaitForAsync(host.EventsPath, Is("source_started", "live/after"), "publishing after the garbage");
        Assert.Equal(["aac", "h264"], await Media.CodecsAsync(host.Rtmp("live/after")));
        var after = host.Memory();
        Assert.True(after.Rss - baseline.Rss < 200 << 20, $"RSS grew from {baseline.Rss >> 20} MB to {after.Rss >> 20} MB");
    }

    [Fact]
    public async Task A_thousand_idle_connections_are_closed_by_the_handshake_timeout_while_publishing_goes_on()
    {
        await using var host = await SluiceHost.StartAsync("live live { }\n");
        var baseline = host.Memory();
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, host.RtmpPort);
                if (i % 2 == 1) await tcp.GetStream().WriteAsync(new byte[] { 3, 0, 0, 0 }); // half of them start a handshake and stop
                idle.Add(tcp);
            }
            var opened = DateTime.UtcNow;

            // Publishing and playing work meanwhile.
            await using var publisher = Peer.FfmpegPublish(clips.Flv, host.Rtmp("live/busy"));
            await WaitForAsync(host.EventsPath, Is("source_started", "live/busy"), "publishing beside 1000 idle connections");
            var (code, errors) = await Peer.FfmpegPlayAsync(host.Rtmp("live/busy"), 2);
            Assert.True(code == 0, errors);
            var during = host.Memory();

            // Every idle connection is closed by the server (a read returns 0 or fails) once its 10 s are over.
            var closedAt = await Task.WhenAll(idle.Select(async tcp =>
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(40));
                var buffer = new byte[4096];
                try { while (await tcp.GetStream().ReadAsync(buffer, wait.Token) > 0) { } }
                catch (IOException) { }
                catch (OperationCanceledException) { return TimeSpan.MaxValue; }
                return DateTime.UtcNow - opened;
            }));
            Assert.DoesNotContain(TimeSpan.MaxValue, closedAt);
            Assert.All(closedAt, t => Assert.True(t > TimeSpan.FromSeconds(5), $"closed after {t}")); // not before its time (the last ones opened later)
            Assert.True(during.Rss - baseline.Rss < 150 << 20, $"RSS {baseline.Rss >> 20} MB -> {during.Rss >> 20} MB with 1000 idle connections");
            Assert.Contains("handshake or connect not completed in time", host.Output);
            Assert.False(host.HasExited);
        }
        finally
        {
            foreach (var tcp in idle) tcp.Dispose();
        }
    }
}
