using System.Buffers;
using Sluice.Media.Timeline;

namespace Sluice.Media.MpegTs;

/// <summary>Reads a byte stream of MPEG-TS into a demuxer with one pooled buffer.</summary>
public static class TsStreamPump
{
    private const int ReadSize = 64 * 1024;

    /// <summary>Feeds granularity when pacing: 7 packets, what one UDP datagram usually holds.</summary>
    private const int PacedSlice = 7 * TsConstants.PacketSize;

    /// <summary>
    /// Reads until the end of <paramref name="stream"/> (then flushes the demuxer and returns the byte
    /// count) or cancellation. <paramref name="onFirstBytes"/> runs once when data first arrives.
    /// With a pacer, data is fed in small slices and each slice waits for its frames to be due.
    /// </summary>
    public static async Task<long> PumpAsync(Stream stream, TsDemuxer demuxer, Action? onFirstBytes,
        RealTimePacer? pacer, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, ReadSize), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                if (total == 0) onFirstBytes?.Invoke();
                total += read;
                if (pacer is null)
                {
                    demuxer.Feed(buffer.AsSpan(0, read));
                    continue;
                }
                for (var offset = 0; offset < read; offset += PacedSlice)
                {
                    demuxer.Feed(buffer.AsSpan(offset, Math.Min(PacedSlice, read - offset)));
                    await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            demuxer.Flush();
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
