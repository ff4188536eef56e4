using System.Diagnostics;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Protocols.Hls.Tests.Support;

/// <summary>Reads an HTTP MPEG-TS body for a while and demuxes it with the toolkit: frames, keyframes, continuity errors.</summary>
internal sealed class TsReceiver : IFrameSink
{
    public int VideoFrames { get; private set; }
    public int AudioFrames { get; private set; }
    public bool FirstVideoWasKeyframe { get; private set; }
    public long Bytes { get; private set; }
    public long ContinuityErrors { get; private set; }
    public List<long> VideoArrivals { get; } = [];

    public void OnTrack(TrackInfo track) { }

    public void OnFrame(in MediaFrame frame)
    {
        if (frame.Kind == MediaKind.Video)
        {
            if (VideoFrames == 0) FirstVideoWasKeyframe = frame.IsKeyframe;
            VideoFrames++;
            VideoArrivals.Add(Stopwatch.GetTimestamp());
        }
        else
        {
            AudioFrames++;
        }
    }

    public static async Task<TsReceiver> ReadAsync(HttpClient client, string path, TimeSpan duration)
    {
        var receiver = new TsReceiver();
        using var demuxer = new TsDemuxer(receiver);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("video/mp2t", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 << 10];
        using var limit = new CancellationTokenSource(duration);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, limit.Token)) > 0)
            {
                receiver.Bytes += read;
                demuxer.Feed(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
        }
        receiver.ContinuityErrors = demuxer.Stats.ContinuityErrors;
        return receiver;
    }
}
