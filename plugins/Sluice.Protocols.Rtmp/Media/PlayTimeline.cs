using Sluice.Abstractions.Frames;

namespace Sluice.Protocols.Rtmp.Media;

/// <summary>
/// The timestamps a player sees: milliseconds from its first frame (at 500 ms), always going forward on each track.
/// When the stream's timeline breaks (a new publisher after a takeover or a reconnect starts its clock
/// again, whether or not its first frame is marked as a discontinuity), that is when a frame does not
/// move forward on its own track or lands far ahead of where the player is, the timeline continues one
/// frame interval after the player's last frame: players refuse non-increasing DTS, and a 1 ms step
/// rounds to the same frame in their 1/fps time bases.
/// </summary>
internal sealed class PlayTimeline
{
    private const long ForwardsMs = 5000, StepMs = 40;

    /// <summary>
    /// Where the first frame (a video keyframe) is put: the audio the GOP cache holds from just before it
    /// keeps its place instead of piling up at 0.
    /// </summary>
    private const long HeadroomMs = 500;

    private readonly Dictionary<int, long> _lastOfTrack = [];
    private long _base = long.MinValue;
    private long _offset;
    private long _last = long.MinValue;

    public long Map(in MediaFrame frame)
    {
        var ms = frame.Dts / 90;
        if (_base == long.MinValue) _base = ms - HeadroomMs;
        var t = ms - _base + _offset;
        if (_last != long.MinValue && (t > _last + ForwardsMs || (_lastOfTrack.TryGetValue(frame.TrackId, out var previous) && t <= previous)))
        {
            _offset += _last + StepMs - t;
            t = _last + StepMs;
        }
        if (t < 0) t = 0;
        _lastOfTrack[frame.TrackId] = t;
        if (t > _last) _last = t;
        return t;
    }

    /// <summary>Where the player is (0 before the first frame): sequence headers are stamped with it.</summary>
    public long Now => _last == long.MinValue ? 0 : _last;
}
