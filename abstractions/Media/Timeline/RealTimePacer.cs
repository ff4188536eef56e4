using Sluice.Abstractions.Frames;

namespace Sluice.Media.Timeline;

/// <summary>
/// Holds a producer back so frames leave no faster than their DTS says: the first DTS is pinned
/// to a clock reading and each later one is due that many 90 kHz ticks later. A timeline jump
/// (far ahead, or far behind after a stall) re-pins instead of sleeping long or bursting.
/// Used by one producer loop at a time.
/// </summary>
public sealed class RealTimePacer(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private static readonly TimeSpan MaxAhead = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBehind = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinSleep = TimeSpan.FromMilliseconds(5);

    private bool _started;
    private long _baseDts;
    private long _baseTimestamp;
    private long _latestDts;

    /// <summary>Notes the DTS of a frame just delivered.</summary>
    public void Observe(long dts)
    {
        if (!_started)
        {
            _started = true;
            _baseDts = dts;
            _latestDts = dts;
            _baseTimestamp = _time.GetTimestamp();
            return;
        }
        if (dts > _latestDts) _latestDts = dts;
    }

    /// <summary>Waits until the latest observed DTS is due.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (!_started) return ValueTask.CompletedTask;
        var due = Timestamps.ToTimeSpan(_latestDts - _baseDts);
        var ahead = due - _time.GetElapsedTime(_baseTimestamp);
        if (ahead > MaxAhead || ahead < -MaxBehind)
        {
            _baseDts = _latestDts;
            _baseTimestamp = _time.GetTimestamp();
            return ValueTask.CompletedTask;
        }
        return ahead < MinSleep ? ValueTask.CompletedTask : new ValueTask(Task.Delay(ahead, _time, cancellationToken));
    }
}
