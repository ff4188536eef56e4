using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Cluster.Etcd;
using ListLogger = Sluice.Cluster.Tests.Support.ListLogger;

namespace Sluice.Cluster.Tests;

/// <summary>With etcd unreachable a lease is tried every poll interval: the log says so once, then once a minute with a count.</summary>
public sealed class EtcdLeaseLogTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ListLogger _log = new();

    [Fact]
    public void A_lost_lease_is_a_warning_once_then_a_reminder_a_minute_later_with_the_count_and_the_outage_on_recovery()
    {
        var failures = new LeaseFailures(_log, _time);
        for (var i = 0; i < 120; i++)
        {
            failures.Lost("Status(StatusCode=\"Unavailable\")");
            _time.Advance(TimeSpan.FromMilliseconds(500));
        }
        // 120 attempts over 60 s: the loss, and one reminder when the minute was up (at the 121st).
        Assert.Single(_log.At(LogLevel.Warning));
        Assert.Contains("etcd lease lost", _log.At(LogLevel.Warning)[0]);
        Assert.Equal(119, _log.At(LogLevel.Debug).Count);
        failures.Lost("Status(StatusCode=\"Unavailable\")");
        var warnings = _log.At(LogLevel.Warning);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("still no etcd lease: 120 attempts failed in the last 1 min, 121 since it was lost 60 s ago", warnings[1]);

        failures.Taken(0x1234, TimeSpan.FromSeconds(5), "127.0.0.1:8080");
        Assert.Contains("etcd lease 1234 taken (5 s) as 127.0.0.1:8080, 60.0 s and 120 failed attempts after the last one was lost", _log.At(LogLevel.Information).Single());
        // A later loss is a change again: a warning at once.
        failures.Lost("etcd says the lease expired");
        Assert.Equal(3, _log.At(LogLevel.Warning).Count);
    }

    [Fact]
    public async Task The_strategy_on_an_unreachable_etcd_warns_once_while_it_keeps_trying()
    {
        var port = FreePort.Tcp(); // nothing listens there: every grant fails at once
        var context = new ClusterContext
        {
            Spec = $"etcd://127.0.0.1:{port}",
            Location = new SourceLocation("sluice.conf", 1, 1),
            Self = ClusterNode.Of("127.0.0.1:8080"),
            Streams = [new ClusterStream("cam01", null)],
            Logger = _log,
            Time = _time,
        };
        var settings = EtcdSettings.Bind(context)!;
        await using var strategy = new EtcdStrategy(settings, context.Self, context, new EtcdStore(settings));
        await strategy.StartAsync(CancellationToken.None);
        var bound = Stopwatch.StartNew();
        while (_log.At(LogLevel.Debug).Count(l => l.StartsWith("no etcd lease yet", StringComparison.Ordinal)) < 5 && bound.Elapsed < TimeSpan.FromSeconds(60))
        {
            _time.Advance(settings.PollInterval); // the retry waits on this clock; the failed grant itself is quick
            await Task.Delay(20);
        }
        Assert.True(_log.At(LogLevel.Debug).Count(l => l.StartsWith("no etcd lease yet", StringComparison.Ordinal)) >= 5, string.Join("\n", _log.Lines));
        Assert.Single(_log.At(LogLevel.Warning), l => l.Contains("etcd lease lost", StringComparison.Ordinal));
        Assert.False(strategy.MayCapture("cam01"));
    }
}
