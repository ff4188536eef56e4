using Microsoft.Extensions.Logging;

namespace Sluice.Cluster.Etcd;

/// <summary>
/// The log of lost leases. While etcd is unreachable a new lease is tried every poll interval; a warning each
/// time would flood the log, so the first loss is a warning, the attempts that fail after it are debug lines,
/// a reminder with their count is a warning at most every <see cref="RepeatEvery"/>, and the lease taken again
/// says how long it was missing. Not thread-safe: the strategy's one run loop calls it.
/// </summary>
internal sealed class LeaseFailures(ILogger log, TimeProvider time)
{
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(1);

    private bool _failing;
    private int _attempts;   // failed since the loss
    private int _unreported; // failed since the last warning
    private long _since, _warnedAt;

    public void Lost(string error)
    {
        if (!_failing)
        {
            (_failing, _attempts, _unreported, _since, _warnedAt) = (true, 1, 0, time.GetTimestamp(), time.GetTimestamp());
            log.LogWarning("etcd lease lost ({Error}); captures stop here and a new lease is taken", error);
            return;
        }
        _attempts++;
        _unreported++;
        if (time.GetElapsedTime(_warnedAt) < RepeatEvery)
        {
            log.LogDebug("no etcd lease yet ({Error})", error);
            return;
        }
        log.LogWarning("still no etcd lease: {Count} attempts failed in the last {Minutes:0} min, {Total} since it was lost {Duration:0} s ago (last: {Error}); nothing is captured here meanwhile",
            _unreported, time.GetElapsedTime(_warnedAt).TotalMinutes, _attempts, time.GetElapsedTime(_since).TotalSeconds, error);
        _unreported = 0;
        _warnedAt = time.GetTimestamp();
    }

    /// <summary>A lease was taken: logs it, with the outage it ends if there was one.</summary>
    public void Taken(long lease, TimeSpan ttl, string self)
    {
        if (!_failing)
        {
            log.LogInformation("etcd lease {Lease:x} taken ({Ttl:0} s) as {Self}", lease, ttl.TotalSeconds, self);
            return;
        }
        log.LogInformation("etcd lease {Lease:x} taken ({Ttl:0} s) as {Self}, {Duration:0.0} s and {Count} failed attempts after the last one was lost",
            lease, ttl.TotalSeconds, self, time.GetElapsedTime(_since).TotalSeconds, _attempts - 1);
        _failing = false;
    }
}
