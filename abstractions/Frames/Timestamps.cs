namespace Sluice.Abstractions.Frames;

/// <summary>Timestamp helpers: every timestamp in the toolkit counts 90 kHz ticks.</summary>
public static class Timestamps
{
    /// <summary>Ticks per second.</summary>
    public const int ClockRate = 90_000;

    /// <summary>MPEG-TS timestamps are 33-bit counters that wrap after about 26.5 hours.</summary>
    public const long WrapPeriod = 1L << 33;

    /// <summary>Converts ticks to a <see cref="TimeSpan"/>.</summary>
    public static TimeSpan ToTimeSpan(long ticks) => TimeSpan.FromTicks(ticks * (TimeSpan.TicksPerSecond / 10_000) / 9);

    /// <summary>Converts milliseconds to ticks.</summary>
    public static long FromMilliseconds(long milliseconds) => milliseconds * 90;

    /// <summary>Converts a number of samples at <paramref name="sampleRate"/> to ticks, rounded to nearest.</summary>
    public static long FromSamples(long samples, int sampleRate) =>
        sampleRate <= 0 ? 0 : (samples * ClockRate + sampleRate / 2) / sampleRate;
}
