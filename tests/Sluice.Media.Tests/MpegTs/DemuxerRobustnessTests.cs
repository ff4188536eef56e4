using System.Diagnostics;
using System.Security.Cryptography;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.MpegTs;

[Collection(ClipsCollection.Name)]
public sealed class DemuxerRobustnessTests(Clips clips)
{
    [Fact]
    public void Demuxer_Should_CountEveryDroppedPacket_When_PacketsOfOnePidAreMissing()
    {
        var data = File.ReadAllBytes(clips.H264Aac);
        using var probeSink = TsFiles.Demux(data, out var reference);
        var videoPid = probeSink.Tracks.Values.Single(t => t.Kind == MediaKind.Video).TrackId;

        var kept = new MemoryStream();
        var dropped = 0;
        var seen = 0;
        for (var i = 0; i + 188 <= data.Length; i += 188)
        {
            var packet = data.AsSpan(i, 188);
            if (TsFiles.Pid(packet) == videoPid && !TsFiles.UnitStart(packet) && ++seen % 7 == 0)
            {
                dropped++;
                continue;
            }
            kept.Write(packet);
        }
        Assert.True(dropped > 5);

        using var sink = TsFiles.Demux(kept.ToArray(), out var demuxer);
        Assert.Equal(dropped, demuxer.GetContinuityErrors(videoPid));
        Assert.Equal(dropped, demuxer.Stats.ContinuityErrors);
        Assert.InRange(sink.Of(videoPid).Count(f => (f.Flags & FrameFlags.Discontinuity) != 0), 1, dropped);
        // The damaged pictures are dropped, the others come through.
        var before = probeSink.Of(videoPid).Count();
        Assert.InRange(sink.Of(videoPid).Count(), before - dropped, before - 1);
    }

    [Fact]
    public void Demuxer_Should_ProduceIdenticalFrames_When_FedInRandomChunks()
    {
        var data = File.ReadAllBytes(clips.HevcMp3);
        using var whole = TsFiles.Demux(data, out _, chunk: data.Length);
        var random = new Random(42);
        var sink = new CollectingFrameSink();
        using var demuxer = new TsDemuxer(sink);
        for (var i = 0; i < data.Length;)
        {
            var size = Math.Min(random.Next(1, 700), data.Length - i);
            demuxer.Feed(data.AsSpan(i, size));
            i += size;
        }
        demuxer.Flush();
        using (sink)
        {
            Assert.Equal(Describe(whole.Frames), Describe(sink.Frames));
        }
        Assert.Equal(0, demuxer.Stats.SyncLosses);
    }

    [Fact]
    public void Demuxer_Should_Resync_When_GarbageSitsBetweenPackets()
    {
        var data = File.ReadAllBytes(clips.H264Aac);
        using var reference = TsFiles.Demux(data, out _);
        var noisy = new MemoryStream();
        noisy.Write([0x12, 0x47, 0x99]); // garbage with a false sync byte
        noisy.Write(data);
        using var sink = TsFiles.Demux(noisy.ToArray(), out var demuxer);
        Assert.Equal(Describe(reference.Frames), Describe(sink.Frames));
        Assert.Equal(3, demuxer.Stats.SkippedBytes);
    }

    [Fact(Timeout = 90_000)]
    public async Task Demuxer_Should_NeverThrowOrHang_When_FedRandomAndMutatedStreams()
    {
        var data = File.ReadAllBytes(clips.H264Aac);
        var basePackets = data.AsSpan(0, Math.Min(data.Length, 188 * 400)).ToArray();
        await Task.Run(() =>
        {
            var random = new Random(20261121);
            var watch = Stopwatch.StartNew();
            long frames = 0, packets = 0;
            for (var iteration = 0; iteration < 3000; iteration++)
            {
                var input = iteration % 5 == 0 ? RandomBytes(random) : Mutate(basePackets, random);
                var sink = new CountingSink();
                using var demuxer = new TsDemuxer(sink, new TsDemuxerOptions { MaxFrameSize = 1 << 20 });
                for (var i = 0; i < input.Length;)
                {
                    var size = Math.Min(random.Next(1, 4000), input.Length - i);
                    demuxer.Feed(input.AsSpan(i, size));
                    i += size;
                }
                demuxer.Flush();
                frames += sink.Frames;
                packets += demuxer.Stats.Packets;
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(75), $"fuzzing took {watch.Elapsed}");
            Assert.True(frames > 10_000, $"mutated streams should still yield frames, got {frames}");
            Assert.True(packets > 100_000);
        });
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 20_000)];
        random.NextBytes(bytes);
        // Sprinkle sync bytes at packet distance so the packet parser, not only the resync, gets exercised.
        for (var i = random.Next(0, 188); i < bytes.Length; i += 188) bytes[i] = 0x47;
        return bytes;
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var packets = Enumerable.Range(0, source.Length / 188).Select(i => source.AsSpan(i * 188, 188).ToArray()).ToList();
        var mutations = random.Next(1, 12);
        for (var m = 0; m < mutations && packets.Count > 1; m++)
        {
            var at = random.Next(packets.Count);
            switch (random.Next(7))
            {
                case 0: // flip bytes
                    for (var k = random.Next(1, 10); k > 0 && packets[at].Length > 0; k--) packets[at][random.Next(packets[at].Length)] ^= (byte)random.Next(1, 256);
                    break;
                case 1:
                    packets.RemoveAt(at);
                    break;
                case 2:
                    packets.Insert(at, packets[at].ToArray());
                    break;
                case 3:
                    var junk = new byte[188];
                    random.NextBytes(junk);
                    junk[0] = 0x47;
                    packets.Insert(at, junk);
                    break;
                case 4: // lose bytes inside a packet
                    packets[at] = packets[at].AsSpan(0, random.Next(0, packets[at].Length)).ToArray();
                    break;
                case 5: // header damage: PID, flags, adaptation field length
                    if (packets[at].Length >= 6) packets[at][random.Next(1, 6)] = (byte)random.Next(256);
                    break;
                default:
                    (packets[at], packets[^1]) = (packets[^1], packets[at]);
                    break;
            }
        }
        var result = packets.SelectMany(p => p).ToArray();
        return random.Next(4) == 0 ? result.AsSpan(0, random.Next(result.Length)).ToArray() : result;
    }

    private static List<string> Describe(IEnumerable<MediaFrame> frames) =>
        frames.Select(f => $"{f.TrackId} {f.Dts} {f.Pts} {f.Flags} {Convert.ToHexString(SHA256.HashData(f.Data))}").ToList();
}
