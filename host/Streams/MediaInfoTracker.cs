using Sluice.Abstractions.Frames;

namespace Sluice.Host.Streams;

/// <summary>
/// The tracks of the source that writes now and the <c>stream_media_info</c> they make. Sources announce tracks
/// one by one (a demuxer knows an AAC track's rate only at its first frame), so a report waits for the first frame
/// and for every track's configuration, or at most <see cref="SettleTime"/>, and is made only when the info changed.
/// Used by the stream's one writer at a time (under its writer lock); <see cref="Tracks"/> is read from anywhere.
/// </summary>
internal sealed class MediaInfoTracker(TimeProvider time)
{
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);

    private readonly Dictionary<int, TrackInfo> _tracks = [];
    private volatile TrackInfo[] _list = [];
    private MediaInfo _reported;
    private bool _pending;
    private long _pendingSince;

    public IReadOnlyList<TrackInfo> Tracks => _list;

    public MediaInfo Current { get; private set; }

    public bool HasVideo { get; private set; }

    /// <summary>A new source: its tracks start from none (what was reported stays, to compare with).</summary>
    public void Reset()
    {
        _tracks.Clear();
        _pending = false;
    }

    /// <summary>A track was announced; returns the info to report, if one is due.</summary>
    public MediaInfo? OnTrack(TrackInfo track, bool started)
    {
        _tracks[track.TrackId] = track;
        var list = _tracks.Values.OrderBy(t => t.TrackId).ToArray();
        _list = list;
        HasVideo = list.Any(t => t.Kind == MediaKind.Video);
        Current = MediaInfo.Of(list);
        if (!started) return null;
        MarkPending();
        return Report(force: false);
    }

    /// <summary>The source's first frame.</summary>
    public MediaInfo? OnStarted()
    {
        MarkPending();
        return Report(force: false);
    }

    /// <summary>Any later frame: a report still waiting for a track's configuration goes out once it settled.</summary>
    public MediaInfo? OnFrame() => _pending ? Report(force: time.GetElapsedTime(_pendingSince) >= SettleTime) : null;

    private void MarkPending()
    {
        if (_pending) return;
        _pending = true;
        _pendingSince = time.GetTimestamp();
    }

    private MediaInfo? Report(bool force)
    {
        if (!_pending) return null;
        if (!force && !Configured(_list)) return null;
        _pending = false;
        if (Current == _reported) return null;
        _reported = Current;
        return Current;
    }

    private static bool Configured(TrackInfo[] tracks)
    {
        foreach (var t in tracks)
        {
            if (t.Kind == MediaKind.Video && t.Video is null) return false;
            if (t.Kind == MediaKind.Audio && t.Audio is null) return false;
        }
        return true;
    }
}
