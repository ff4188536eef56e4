using System.Diagnostics;
using Sluice.Abstractions.Frames;
using Sluice.Abstractions.Streams;

namespace Sluice.PluginTemplate.Source.Tests;

/// <summary>Plays the stream's part: records what a source delivers and when, keeping every frame as a reader would.</summary>
internal sealed class CollectingOutput : ISourceOutput, IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();

    public TimeSpan? ConnectedAt { get; private set; }

    public List<TrackInfo> Tracks { get; } = [];

    /// <summary>Frames with their arrival time; each retained, as a reader that keeps frames must.</summary>
    public List<(MediaFrame Frame, TimeSpan At)> Frames { get; } = [];

    /// <summary>Breaches of the source contract seen while recording (a frame before its track, before Connected).</summary>
    public List<string> Problems { get; } = [];

    public void Connected() => ConnectedAt ??= _clock.Elapsed;

    public void OnTrack(TrackInfo track)
    {
        lock (_gate) Tracks.Add(track);
    }

    public void OnFrame(in MediaFrame frame)
    {
        lock (_gate)
        {
            if (ConnectedAt is null) Problems.Add($"frame before Connected: {frame}");
            var trackId = frame.TrackId;
            if (!Tracks.Exists(t => t.TrackId == trackId)) Problems.Add($"frame before its track: {frame}");
            Frames.Add((frame.Retain(), _clock.Elapsed));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (frame, _) in Frames) frame.Release();
            Frames.Clear();
        }
    }
}
