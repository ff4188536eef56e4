using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sluice.Protocols.Rtmp.Tests.Support;
using Xunit.Abstractions;
using static Sluice.Protocols.Rtmp.Tests.Support.EventLog;

namespace Sluice.Protocols.Rtmp.Tests;

/// <summary>
/// Enhanced RTMP over the wire: HEVC (<c>hvc1</c>) and AV1 (<c>av01</c>) published by the tests' own client, written
/// from the specification (ffmpeg 5.1 cannot publish it), and played back by the same client: the stream's media
/// info comes from the configuration records, a player that announces the FourCC gets ExVideoTagHeader tags,
/// starting with the record and a keyframe, carrying exactly the coded frames that were published.
/// </summary>
[Collection(RtmpCollection.Name)]
public sealed class EnhancedRtmpTests(Clips clips, ITestOutputHelper output)
{
    private const byte SequenceStart = 0, CodedFrames = 1, CodedFramesX = 3;

    [Theory]
    [InlineData("hvc1", "hevc")]
    [InlineData("av01", "av1")]
    public async Task An_enhanced_rtmp_publisher_is_described_and_played_back_frame_for_frame(string fourCc, string codec)
    {
        var track = Mp4VideoTrack.Read(fourCc == "hvc1" ? clips.HevcMp4 : clips.Av1Mp4);
        Assert.Equal(fourCc, track.FourCc);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var host = await SluiceHost.StartAsync("live live { }\n");

        await using var publisher = await TestRtmpClient.ConnectAsync(host.RtmpPort, "live", ["hvc1", "av01"], cts.Token);
        Assert.Contains(fourCc, FourCcsOf(publisher.ConnectResult));
        var (code, streamId) = await publisher.PublishAsync("cam", cts.Token);
        Assert.True(code == "NetStream.Publish.Start", $"{code}\n{host.Output}");
        await publisher.SendMetadataAsync(streamId, fourCc, 320, 240, cts.Token);
        await publisher.SendVideoAsync(streamId, 0, Tag(fourCc, SequenceStart, keyframe: true, track.ConfigRecord), cts.Token);
        var published = track.Samples.Select(s => Convert.ToHexString(SHA(s.Data))).ToHashSet();
        using var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var publishing = PublishInRealTimeAsync(publisher, streamId, fourCc, track, stopPublishing.Token);

        var events = await WaitForAsync(host.EventsPath, Is("stream_media_info", "live/cam"), "stream_media_info of live/cam");
        var info = events.First(Is("stream_media_info", "live/cam"));
        Assert.Equal((codec, "320", "240"), (Str(info, "video_codec"), Str(info, "width"), Str(info, "height")));

        // A player announcing the FourCC: the record first, then a keyframe at once (the GOP cache), then live frames.
        await using var player = await TestRtmpClient.ConnectAsync(host.RtmpPort, "live", [fourCc], cts.Token);
        var clock = Stopwatch.StartNew();
        var (playCode, playStream) = await player.PlayAsync("cam", cts.Token);
        Assert.True(playCode is "NetStream.Play.Reset" or "NetStream.Play.Start", playCode);
        byte[]? record = null;
        var frames = new List<(bool Keyframe, string Hash, uint Timestamp)>();
        TimeSpan? firstFrame = null;
        while (frames.Count < 60)
        {
            var message = await player.ReadMessageAsync(cts.Token) ?? throw new EndOfStreamException("the host closed the player\n" + host.Output);
            if (message.Type != 9 || message.StreamId != playStream) continue;
            var body = message.Body;
            Assert.True((body[0] & 0x80) != 0, $"a legacy video tag 0x{body[0]:x2} for a player that announced {fourCc}");
            Assert.Equal(fourCc, Encoding.ASCII.GetString(body, 1, 4));
            var packet = (byte)(body[0] & 0x0F);
            if (packet == SequenceStart)
            {
                record = body[5..];
                continue;
            }
            if (packet is not (CodedFrames or CodedFramesX)) continue;
            Assert.True(record is not null, "a coded frame came before the configuration record");
            firstFrame ??= clock.Elapsed;
            var headerLength = packet == CodedFrames && fourCc == "hvc1" ? 8 : 5; // HEVC CodedFrames carry a composition time
            frames.Add((((body[0] >> 4) & 0x7) == 1, Convert.ToHexString(SHA(body.AsSpan(headerLength))), message.Timestamp));
        }
        output.WriteLine($"{fourCc}: play to first video frame {firstFrame!.Value.TotalMilliseconds:F1} ms");

        Assert.Equal(fourCc == "hvc1" ? 1 : 0x81, record![0]); // hvcC configurationVersion 1; av1C marker and version 1
        Assert.True(frames[0].Keyframe, "the first frame a player gets is not a keyframe");
        Assert.All(frames, f => Assert.Contains(f.Hash, published));
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.Timestamp >= p.First.Timestamp), "timestamps go backwards");
        var stream = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/streams/live/cam")).RootElement;
        Assert.Contains(codec, stream.ToString());
        if (fourCc == "hvc1")
        {
            await Media.WaitForOkAsync(host.Http, "/live/cam/index.m3u8");
            Assert.Equal(["hevc"], await Media.CodecsAsync(host.HttpUrl("live/cam/index.m3u8")));
        }
        await stopPublishing.CancelAsync();
        await publishing;
        Assert.False(host.HasExited);
    }

    /// <summary>The clip's samples in a loop, paced by their decode times, until <paramref name="ct"/> is cancelled.</summary>
    private static async Task PublishInRealTimeAsync(TestRtmpClient publisher, uint streamId, string fourCc, Mp4VideoTrack track, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var loopLength = track.Samples[^1].DtsMs + 40;
        try
        {
            for (var loop = 0; ; loop++)
            {
                foreach (var sample in track.Samples)
                {
                    var at = loop * loopLength + sample.DtsMs;
                    var wait = at - clock.ElapsedMilliseconds;
                    if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), ct); // real-time pacing of a live publisher
                    var packet = fourCc == "hvc1" && sample.Keyframe ? CodedFrames : fourCc == "hvc1" ? CodedFramesX : CodedFrames;
                    await publisher.SendVideoAsync(streamId, (uint)at, Tag(fourCc, packet, sample.Keyframe, sample.Data), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>
    /// An ExVideoTagHeader (IsExHeader, frame type, packet type, FourCC), then for HEVC CodedFrames a zero composition
    /// time (SI24), then the payload.
    /// </summary>
    private static byte[] Tag(string fourCc, byte packet, bool keyframe, byte[] payload)
    {
        var withTime = fourCc == "hvc1" && packet == CodedFrames;
        var tag = new byte[5 + (withTime ? 3 : 0) + payload.Length];
        tag[0] = (byte)(0x80 | ((keyframe ? 1 : 2) << 4) | packet);
        Encoding.ASCII.GetBytes(fourCc, tag.AsSpan(1));
        payload.CopyTo(tag, withTime ? 8 : 5);
        return tag;
    }

    private static string[] FourCcsOf(object?[] connectResult) =>
        connectResult.OfType<Dictionary<string, object?>>().SelectMany(o => o.GetValueOrDefault("fourCcList") as object?[] ?? []).OfType<string>().ToArray();

    private static byte[] SHA(ReadOnlySpan<byte> data) => System.Security.Cryptography.SHA256.HashData(data);
}
