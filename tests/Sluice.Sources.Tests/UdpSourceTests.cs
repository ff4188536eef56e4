using System.Net;
using System.Net.Sockets;
using Sluice.Abstractions.Frames;
using Sluice.Sources.Tests.Support;
using static Sluice.Sources.Tests.Support.Sources;

namespace Sluice.Sources.Tests;

[Collection(MediaCollection.Name)]
public sealed class UdpSourceTests(MediaFiles media)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unicast_datagrams_are_demuxed_until_cancelled(bool rtp)
    {
        var port = FreePort.Udp();
        var output = new CollectingSourceOutput();
        var source = Create(Context($"udp://127.0.0.1:{port}"));
        using var stop = new CancellationTokenSource();
        var sender = SendLoopAsync(new IPEndPoint(IPAddress.Loopback, port), null, rtp, stop.Token);

        await RunUntilAsync(source, output, o => o.FramesOf(CodecId.H264).Count >= 30 && o.CurrentTracks.Any(t => t.Video is not null), TimeSpan.FromSeconds(15), "30 frames and an SPS over UDP");
        stop.Cancel();
        await sender;

        Assert.Empty(output.Violations);
        Assert.Equal(1, output.ConnectedCount);
        Assert.Contains(output.CurrentTracks, t => t.Codec == CodecId.H264 && t.Video?.Width == 320);
        Assert.Contains(output.CurrentTracks, t => t.Codec == CodecId.Aac);
    }

    [Fact]
    public async Task A_multicast_group_is_joined_on_the_given_interface()
    {
        // The loopback interface of this machine delivers multicast when the group is joined on
        // 127.0.0.1 and the sender sends through 127.0.0.1 with TTL 0 (nothing leaves the host).
        var port = FreePort.Udp();
        var group = IPAddress.Parse($"239.255.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}");
        var output = new CollectingSourceOutput();
        var source = Create(Context($"udp://{group}:{port}?iface=127.0.0.1"));
        using var stop = new CancellationTokenSource();
        var sender = SendLoopAsync(new IPEndPoint(group, port), IPAddress.Loopback, rtp: false, stop.Token);

        await RunUntilAsync(source, output, o => o.FramesOf(CodecId.H264).Count >= 30, TimeSpan.FromSeconds(15), "30 frames over multicast");
        stop.Cancel();
        await sender;

        Assert.Empty(output.Violations);
        Assert.Contains(output.CurrentTracks, t => t.Codec == CodecId.Aac);
    }

    [Theory]
    [InlineData("udp://239.1.1.1")]
    [InlineData("udp://somehost:1234")]
    [InlineData("udp://239.1.1.1:1234?buffer=12")]
    public void Bad_udp_inputs_are_reported_at_configuration_time(string url)
    {
        Assert.NotEmpty(Check(Context(url)).Errors);
    }

    /// <summary>
    /// Sends the clip over and over in 7-packet datagrams, about 4x real time, until stopped, as one
    /// continuous stream: continuity counters carry on across repeats like an encoder's would.
    /// </summary>
    private async Task SendLoopAsync(IPEndPoint target, IPAddress? multicastInterface, bool rtp, CancellationToken stop)
    {
        var clip = await File.ReadAllBytesAsync(media.ClipTs, CancellationToken.None);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        if (multicastInterface is not null)
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, multicastInterface.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 0);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
        }
        var datagram = new byte[12 + 7 * 188];
        ushort sequence = 0;
        var nextCc = new int[8192];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ContinueCounters(clip, nextCc);
                for (var offset = 0; offset < clip.Length && !stop.IsCancellationRequested; offset += 7 * 188)
                {
                    var length = Math.Min(7 * 188, clip.Length - offset);
                    var header = rtp ? 12 : 0;
                    if (rtp)
                    {
                        datagram[0] = 0x80;
                        datagram[1] = 33;  // MP2T
                        datagram[2] = (byte)(sequence >> 8);
                        datagram[3] = (byte)sequence++;
                    }
                    clip.AsSpan(offset, length).CopyTo(datagram.AsSpan(header));
                    await socket.SendToAsync(datagram.AsMemory(0, header + length), target, stop);
                    await Task.Delay(1, stop);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private static void ContinueCounters(byte[] ts, int[] nextCc)
    {
        for (var i = 0; i + 188 <= ts.Length; i += 188)
        {
            if ((ts[i + 3] & 0x10) == 0) continue;
            var pid = ((ts[i + 1] & 0x1F) << 8) | ts[i + 2];
            ts[i + 3] = (byte)((ts[i + 3] & 0xF0) | nextCc[pid]);
            nextCc[pid] = (nextCc[pid] + 1) & 0x0F;
        }
    }
}
