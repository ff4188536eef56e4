using System.Diagnostics;
using System.Net;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>A request body that sends a file at a steady byte rate (a live encoder pushing MPEG-TS).</summary>
internal sealed class PacedContent(byte[] data, TimeSpan duration) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        const int chunk = 188 * 40;
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            var due = duration * ((double)offset / data.Length);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
