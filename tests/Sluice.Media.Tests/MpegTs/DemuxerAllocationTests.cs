using Sluice.Media.MpegTs;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.MpegTs;

[Collection(ClipsCollection.Name)]
public sealed class DemuxerAllocationTests(Clips clips)
{
    [Fact]
    public void Demuxer_Should_AllocateNothingPerPacket_When_Demuxing()
    {
        // The clip 20 times over (continuity breaks at the seams are fine): ~12,000 packets.
        var clip = File.ReadAllBytes(clips.H264Aac);
        var data = Enumerable.Repeat(clip, 20).SelectMany(b => b).ToArray();
        Run(data); // warm up the pool and the JIT
        var sink = new CountingSink();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(data, sink);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var packets = data.Length / 188;
        // Per demuxer: the PID table and per-track state; per frame: one RentedBuffer object.
        // Per packet: nothing; even 8 bytes a packet would break the bound.
        const long perDemuxer = 80 * 1024;
        Assert.True(allocated <= perDemuxer + sink.Frames * 64,
            $"allocated {allocated} bytes for {packets} packets and {sink.Frames} frames");
        Assert.True(packets > 10_000 && sink.Frames > 2_000);
    }

    private static void Run(byte[] data, CountingSink? sink = null)
    {
        using var demuxer = new TsDemuxer(sink ?? new CountingSink());
        for (var i = 0; i < data.Length; i += 1316) demuxer.Feed(data.AsSpan(i, Math.Min(1316, data.Length - i)));
        demuxer.Flush();
    }
}
