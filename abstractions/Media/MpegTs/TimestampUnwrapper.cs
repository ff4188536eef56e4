using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

/// <summary>
/// Turns 33-bit MPEG-TS timestamps into a continuous 64-bit timeline: each value is placed nearest
/// to the previous one, so wraps (every ~26.5 h) and small backward steps (B-frame PTS) both work.
/// One per program, shared by its tracks, so they stay on one timeline.
/// </summary>
internal sealed class TimestampUnwrapper
{
    private const long Mask = Timestamps.WrapPeriod - 1;
    private const long Half = Timestamps.WrapPeriod / 2;
    private long _last;
    private bool _started;

    public long Unwrap(long raw)
    {
        raw &= Mask;
        if (!_started)
        {
            _started = true;
            _last = raw;
            return raw;
        }
        var delta = (raw - (_last & Mask)) & Mask;
        if (delta >= Half) delta -= Timestamps.WrapPeriod;
        _last += delta;
        return _last;
    }
}
