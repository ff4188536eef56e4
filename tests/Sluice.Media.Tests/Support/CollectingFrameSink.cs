using Sluice.Abstractions.Frames;

namespace Sluice.Media.Tests.Support;

/// <summary>Keeps every frame (retaining its payload) and the latest description of every track.</summary>
internal sealed class CollectingFrameSink : IFrameSink, IDisposable
{
    public List<MediaFrame> Frames { get; } = [];
    public Dictionary<int, TrackInfo> Tracks { get; } = [];
    public int TrackUpdates { get; private set; }

    public void OnTrack(TrackInfo track)
    {
        Tracks[track.TrackId] = track;
        TrackUpdates++;
    }

    public void OnFrame(in MediaFrame frame) => Frames.Add(frame.Retain());

    public IEnumerable<MediaFrame> Of(int trackId) => Frames.Where(f => f.TrackId == trackId);

    public void Dispose()
    {
        foreach (var frame in Frames) frame.Release();
        Frames.Clear();
    }
}

/// <summary>Counts frames and touches every payload byte, keeping nothing.</summary>
internal sealed class CountingSink : IFrameSink
{
    public long Frames { get; private set; }
    public long Bytes { get; private set; }
    public long Checksum { get; private set; }

    public void OnTrack(TrackInfo track) { }

    public void OnFrame(in MediaFrame frame)
    {
        Frames++;
        var data = frame.Data;
        Bytes += data.Length;
        if (data.Length > 0) Checksum += data[0] + data[^1];
    }
}
