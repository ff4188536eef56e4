using Sluice.Media.MpegTs;

namespace Sluice.Media.Tests.Support;

internal static class TsFiles
{
    public static CollectingFrameSink Demux(byte[] data, out TsDemuxer demuxer, int chunk = 64 * 1024)
    {
        var sink = new CollectingFrameSink();
        demuxer = new TsDemuxer(sink);
        for (var i = 0; i < data.Length; i += chunk) demuxer.Feed(data.AsSpan(i, Math.Min(chunk, data.Length - i)));
        demuxer.Flush();
        return sink;
    }

    public static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];
    public static bool UnitStart(ReadOnlySpan<byte> packet) => (packet[1] & 0x40) != 0;
}
