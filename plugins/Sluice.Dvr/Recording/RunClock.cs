namespace Sluice.Dvr.Recording;

/// <summary>
/// Maps a timeline's 90 kHz decode times to UTC ms. A run (one unbroken timeline of the source) is anchored
/// once, when the recorder has caught up with the stream (its queue ran empty, so the newest frame read is
/// "now"), and never moved while it lasts: fragment starts and durations follow the source's own timestamps,
/// so consecutive fragments of a run are exactly contiguous and a gap in the index is a real gap.
/// </summary>
internal sealed class RunClock
{
    private long _anchorMs;
    private long _anchorDts;

    public bool Anchored { get; private set; }

    /// <summary>
    /// Anchors the run so that <paramref name="newestDts"/> is <paramref name="nowMs"/>, but never so that its first
    /// frame (<paramref name="firstDts"/>) starts before <paramref name="notBeforeMs"/> (the archive's last end plus
    /// one ms: a new run is always marked by a gap, and a clock set back cannot make fragments overlap).
    /// </summary>
    public void Anchor(long nowMs, long newestDts, long firstDts, long notBeforeMs)
    {
        _anchorDts = newestDts;
        _anchorMs = nowMs;
        Anchored = true;
        var first = ToMs(firstDts);
        if (first < notBeforeMs) _anchorMs += notBeforeMs - first;
    }

    public void Reset() => Anchored = false;

    public long ToMs(long dts) => _anchorMs + FloorDiv(dts - _anchorDts, 90);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
