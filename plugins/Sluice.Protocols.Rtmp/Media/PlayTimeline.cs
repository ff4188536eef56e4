using Sluice.Abstractions.Frames;

namespace Sluice.Protocols.Rtmp.Media;

/// <summary>
/// The timestamps a player sees: milliseconds from its first frame, kept going forward when the stream's
/// timeline breaks (a new publisher after a takeover starts its clock again): a frame marked as a
/// discontinuity that lands far from where the player is continues right after the last one.
/// </summary>
internal sealed class PlayTimeline
{
    private const long BackwardsMs = 1000, ForwardsMs = 5000;

    private long _base = long.MinValue;
    private long _offset;
    private long _last = long.MinValue;

    public long Map(in MediaFrame frame)
    {
        var ms = frame.Dts / 90;
        if (_base == long.MinValue) _base = ms;
        var t = ms - _base + _offset;
        if ((frame.Flags & FrameFlags.Discontinuity) != 0 && _last != long.MinValue && (t < _last - BackwardsMs || t > _last + ForwardsMs))
        {
            _offset += _last + 1 - t;
            t = _last + 1;
        }
        if (t < 0) t = 0;
        if (t > _last) _last = t;
        return t;
    }

    /// <summary>Where the player is (0 before the first frame): sequence headers are stamped with it.</summary>
    public long Now => _last == long.MinValue ? 0 : _last;
}
