namespace Sluice.Host.Notify;

/// <summary>
/// When a block whose delivery failed tries again. Without a spool: every
/// <c>resend_notifications_timeout</c>, as the spec says. With a spool: exponential backoff from that
/// interval (doubling per failure in a row) up to <see cref="Cap"/>, each delay jittered by ±25 % so that
/// many servers do not retry in step. A receiver's <c>Retry-After</c> is honoured in both cases (up to the
/// cap): the next attempt never comes sooner than it asked.
/// </summary>
internal static class RetryPolicy
{
    /// <summary>The longest wait between two attempts (or the interval, when that is longer).</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    /// <param name="failures">Failures in a row, counting this one (1 = first failure).</param>
    public static TimeSpan Delay(TimeSpan interval, bool backoff, int failures, TimeSpan? retryAfter, double random)
    {
        var cap = interval > Cap ? interval : Cap;
        var delay = interval;
        if (backoff)
        {
            var doubled = interval.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(failures, 1) - 1, 30));
            var jittered = Math.Min(doubled, cap.TotalMilliseconds) * (0.75 + 0.5 * random);
            delay = TimeSpan.FromMilliseconds(Math.Min(jittered, cap.TotalMilliseconds));
        }
        if (retryAfter is { } asked && asked > delay) delay = asked < cap ? asked : cap;
        return delay;
    }
}
