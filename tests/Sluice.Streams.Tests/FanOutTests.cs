using System.Diagnostics;
using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;
using Sluice.Streams.Tests.Support;
using Xunit.Abstractions;

namespace Sluice.Streams.Tests;

public sealed class FanOutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fan_out_to_eight_readers_allocates_nothing_per_frame_and_loses_nothing()
    {
        await using var f = await new StreamsFixture().Apply("live pub;");
        var publisher = f.Registry.Publish("pub/bench", "127.0.0.1")!;
        publisher.OnTrack(TestSourceFactory.Video);
        var stream = f.Registry.Find("pub/bench")!;
        var readers = Enumerable.Range(0, 8).Select(_ => stream.Subscribe(new StreamReaderOptions { Capacity = 64 })).ToArray();
        using var payload = RentedBuffer.CopyOf(new byte[1200]);
        const int frames = 100_000;

        void Run(int count, long[] received)
        {
            for (var n = 0; n < count; n++)
            {
                publisher.OnFrame(new MediaFrame(256, CodecId.H264, n * 3600L, n * 3600L, n % 50 == 0 ? FrameFlags.Keyframe : FrameFlags.None, payload));
                for (var r = 0; r < readers.Length; r++)
                    while (readers[r].Frames.TryRead(out var fr)) { received[r]++; fr.Release(); }
            }
        }

        Run(1000, new long[readers.Length]); // warm up (JIT, queue and cache growth)
        var received = new long[readers.Length];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        Run(frames, received);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        output.WriteLine($"{frames} frames x {readers.Length} readers in {clock.Elapsed.TotalMilliseconds:F0} ms: " +
            $"{frames / clock.Elapsed.TotalSeconds:F0} frames/s, {clock.Elapsed.TotalNanoseconds / frames / readers.Length:F0} ns per frame per reader, " +
            $"{allocated} bytes allocated");
        Assert.All(received, r => Assert.Equal(frames, r));
        Assert.All(readers, r => Assert.Equal(0, r.Dropped));
        Assert.True(allocated < frames, $"{allocated} bytes allocated for {frames} frames");
        foreach (var r in readers) await r.DisposeAsync();
        await publisher.DisposeAsync();
        Assert.True(await f.Registry.StopAsync("pub/bench"));
        Assert.Equal(1, payload.ReferenceCount);
    }
}
