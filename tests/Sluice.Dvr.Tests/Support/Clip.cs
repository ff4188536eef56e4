using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Dvr.Tests.Support;

/// <summary>An ffmpeg-made clip demuxed once by the real demuxer: its tracks and frames (retained), fed to test streams as a source would.</summary>
internal sealed class Clip : IFrameSink, IDisposable
{
    private readonly List<(TrackInfo? Track, MediaFrame Frame)> _items = [];

    private Clip() { }

    public IReadOnlyList<(TrackInfo? Track, MediaFrame Frame)> Items => _items;

    public static Clip Load(string path)
    {
        var clip = new Clip();
        using var demuxer = new TsDemuxer(clip);
        demuxer.Feed(File.ReadAllBytes(path));
        demuxer.Flush();
        return clip;
    }

    public void OnTrack(TrackInfo track) => _items.Add((track, default));

    public void OnFrame(in MediaFrame frame) => _items.Add((null, frame.Retain()));

    /// <summary>
    /// Writes the clip to <paramref name="sink"/> with timestamps shifted by <paramref name="shift"/> ticks, from item
    /// <paramref name="from"/> up to (not including) <paramref name="to"/>; <paramref name="beforeFrame"/> runs before each frame
    /// (to advance a fake clock to it). <paramref name="discontinuity"/> marks the first frame of each track, as a new source's.
    /// </summary>
    public void Play(IFrameSink sink, int from = 0, int to = int.MaxValue, long shift = 0, bool discontinuity = false, Action<MediaFrame>? beforeFrame = null)
    {
        var seen = new HashSet<int>();
        for (var i = from; i < Math.Min(to, _items.Count); i++)
        {
            var (track, frame) = _items[i];
            if (track is not null)
            {
                sink.OnTrack(track);
                continue;
            }
            var flags = frame.Flags;
            if (discontinuity && seen.Add(frame.TrackId)) flags |= FrameFlags.Discontinuity;
            var shifted = new MediaFrame(frame.TrackId, frame.Codec, frame.Dts + shift, frame.Pts + shift, flags, frame.Payload);
            beforeFrame?.Invoke(shifted);
            sink.OnFrame(in shifted);
        }
    }

    /// <summary><see cref="Play"/>, moving a fake clock with the video timestamps (as a live source's frames arrive).</summary>
    public void PlayPaced(IFrameSink sink, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, int from = 0, int to = int.MaxValue, long shift = 0,
        bool discontinuity = false)
    {
        long? last = null;
        Play(sink, from, to, shift, discontinuity, f =>
        {
            if (f.Kind != MediaKind.Video) return;
            if (last is { } l && f.Dts > l) time.Advance(TimeSpan.FromTicks((f.Dts - l) * 1000 / 9));
            last = f.Dts;
        });
    }

    /// <summary>Index of the item holding the <paramref name="n"/>th video keyframe (0-based).</summary>
    public int IndexOfKeyframe(int n)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            var (track, frame) = _items[i];
            if (track is null && frame.Kind == MediaKind.Video && frame.IsKeyframe && n-- == 0) return i;
        }
        return _items.Count;
    }

    public long FirstDts => _items.First(i => i.Track is null).Frame.Dts;

    public long LastDts => _items.Last(i => i.Track is null).Frame.Dts;

    public void Dispose()
    {
        foreach (var (track, frame) in _items) if (track is null) frame.Release();
        _items.Clear();
    }
}

/// <summary>Clips made once per test run: 10 s of H.264 (keyframe every second) + AAC.</summary>
public sealed class ClipFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public string Path10s { get; private set; } = "";

    public async Task InitializeAsync() => Path10s = await Tools.MakeClipAsync(_folder.File("clip10.ts"), 10);

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
