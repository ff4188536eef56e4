namespace Sluice.Cluster.Etcd;

/// <summary>
/// Fencing by time: how long this server may act on its lease. A renewal sent at T that etcd answered with
/// TTL keeps the lease at etcd until at least T + TTL (etcd counts from when it received it), so this
/// server may capture until T + TTL - margin and no longer: a server that cannot renew, or that was frozen
/// and resumes, stops before etcd can give its streams to another. Thread-safe.
/// </summary>
internal sealed class LeaseClock(TimeProvider time, TimeSpan margin)
{
    private long _validUntil = long.MinValue; // a TimeProvider timestamp

    /// <summary>A renewal sent at <paramref name="sentAt"/> (a timestamp) was answered with <paramref name="ttl"/>.</summary>
    public void Renewed(long sentAt, TimeSpan ttl)
    {
        var until = sentAt + (long)((ttl - margin).TotalSeconds * time.TimestampFrequency);
        long current;
        do
        {
            current = Interlocked.Read(ref _validUntil);
            if (until <= current) return;
        }
        while (Interlocked.CompareExchange(ref _validUntil, until, current) != current);
    }

    public void Lost() => Interlocked.Exchange(ref _validUntil, long.MinValue);

    public bool IsValid => time.GetTimestamp() < Interlocked.Read(ref _validUntil);

    /// <summary>Time left (zero when not valid).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var until = Interlocked.Read(ref _validUntil);
            if (until == long.MinValue) return TimeSpan.Zero;
            var left = until - time.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / time.TimestampFrequency);
        }
    }
}
