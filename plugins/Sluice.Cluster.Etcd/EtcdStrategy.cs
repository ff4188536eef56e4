using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Etcd;

/// <summary>
/// Leases on etcd. Each server holds one lease (TTL <c>lease_ttl</c>, renewed four times per TTL) with its
/// member key on it; a stream is owned by whoever created its key (a transaction that succeeds only when no
/// key exists) on their lease. The owner a stream should have is decided by every server alike
/// (<c>capture_at</c> if it is a member, else rendezvous hashing over the members); a server claims what it
/// should own and nobody holds, and releases what another should own (it stops first, then deletes the key).
/// Fencing: this server may capture only while <see cref="LeaseClock"/> says its lease holds, which ends a
/// margin before etcd could expire it; a server that cannot renew, or was frozen, stops in time.
/// </summary>
internal sealed class EtcdStrategy : IClusterStrategy
{
    private sealed record Member(ClusterNode Node, ClusterLoad? Load, DateTimeOffset SeenAt, bool Alive);

    private readonly EtcdSettings _settings;
    private readonly ClusterNode _self;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly IClusterMember _member;
    private readonly EtcdStore _store;
    private readonly LeaseClock _clock;
    private readonly LeaseFailures _failures;
    private readonly object _gate = new();
    private readonly HashSet<string> _owned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _releasing = new(StringComparer.Ordinal); // stream -> when it stopped here
    private readonly Dictionary<string, StreamPlacement> _placement = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _fence;
    private volatile IReadOnlyList<ClusterStream> _streams;
    private long _lease;
    private Task _run = Task.CompletedTask;

    public EtcdStrategy(EtcdSettings settings, ClusterNode self, ClusterContext context, EtcdStore store)
    {
        _settings = settings;
        _self = self;
        _time = context.Time;
        _log = context.Logger;
        _member = context.Member;
        _store = store;
        _streams = context.Streams;
        _clock = new LeaseClock(_time, settings.Margin);
        _failures = new LeaseFailures(_log, _time);
        _fence = _time.CreateTimer(_ => Fence(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public event Action? Changed;

    public bool MayCapture(string stream)
    {
        if (!_clock.IsValid) return false;
        lock (_gate) return _owned.Contains(stream);
    }

    public IReadOnlyList<StreamPlacement> Placement
    {
        get { lock (_gate) return _placement.Values.OrderBy(p => p.Stream, StringComparer.Ordinal).ToArray(); }
    }

    public IReadOnlyList<ClusterPeerStatus> Peers
    {
        get
        {
            lock (_gate)
            {
                var list = _members.Values.Where(m => m.Node.Name != _self.Name)
                    .Select(m => new ClusterPeerStatus(m.Node, false, m.Alive, m.SeenAt, m.Load)).ToList();
                list.Add(new ClusterPeerStatus(_self, true, _clock.IsValid, _time.GetUtcNow(), null));
                return list.OrderBy(p => p.Node.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Another stream list applies in place (the next poll claims and releases); other endpoints or TTL need a new lease.</summary>
    public bool TryReconfigure(ClusterContext context)
    {
        if (context.Self != _self || EtcdSettings.Bind(context) is not { } settings || settings.ConnectionString != _settings.ConnectionString
            || settings.LeaseTtl != _settings.LeaseTtl || settings.Prefix != _settings.Prefix) return false;
        _streams = context.Streams;
        return true;
    }

    /// <summary>One lease after another: a lost lease (etcd unreachable, renewal refused, frozen past the TTL) means a new one.</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SessionAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is not OutOfMemoryException)
            {
                _failures.Lost(e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await LoseLeaseAsync().ConfigureAwait(false);
            try { await Task.Delay(_settings.PollInterval, _time, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task SessionAsync(CancellationToken stop)
    {
        var sent = _time.GetTimestamp();
        var lease = await _store.GrantAsync(stop).ConfigureAwait(false);
        Interlocked.Exchange(ref _lease, lease);
        _clock.Renewed(sent, _settings.LeaseTtl);
        ArmFence();
        var published = NodeValue();
        await _store.PutAsync(_settings.NodesPrefix + _self.Name, published, lease, stop).ConfigureAwait(false);
        _failures.Taken(lease, _settings.LeaseTtl, _self.Name);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var keepAlive = KeepAliveAsync(lease, session.Token);
        var claims = ClaimLoopAsync(lease, published, session.Token);
        var ended = await Task.WhenAny(keepAlive, claims).ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(keepAlive, claims).ConfigureAwait(false); } catch (OperationCanceledException) { }
        await ended.ConfigureAwait(false); // its error ends the session
    }

    private async Task KeepAliveAsync(long lease, CancellationToken stop)
    {
        using var stream = _store.OpenKeepAlive(lease, stop);
        while (true)
        {
            await Task.Delay(_settings.KeepAliveInterval, _time, stop).ConfigureAwait(false);
            if (!_clock.IsValid) throw new TimeoutException("the lease ran out before it was renewed");
            var sent = _time.GetTimestamp();
            using var deadline = new CancellationTokenSource(_clock.Remaining, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
            TimeSpan ttl;
            try
            {
                ttl = await stream.RenewAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded })
            {
                throw new TimeoutException("etcd did not answer a renewal before the lease would run out");
            }
            if (ttl <= TimeSpan.Zero) throw new InvalidOperationException("etcd says the lease expired");
            var lapsed = !_clock.IsValid;
            _clock.Renewed(sent, ttl);
            ArmFence();
            // The host may have asked MayCapture in the moment the clock had lapsed (before the fence ran) and
            // stopped a stream it still owns: without a change raised it would stay stopped.
            if (lapsed && _clock.IsValid) RaiseChanged();
        }
    }

    /// <summary>
    /// Polls until the session ends. A failed poll (etcd slow to answer a range or a transaction) is retried at
    /// the next one and never ends the lease: only renewals decide that, and the fence holds meanwhile.
    /// </summary>
    private async Task ClaimLoopAsync(long lease, string published, CancellationToken stop)
    {
        var failing = false;
        while (true)
        {
            try
            {
                published = await PublishAsync(lease, published, stop).ConfigureAwait(false);
                await PollAsync(lease, stop).ConfigureAwait(false);
                if (failing) _log.LogInformation("etcd answers the cluster's polls again");
                failing = false;
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is not OutOfMemoryException)
            {
                if (!failing) _log.LogWarning("an etcd poll failed ({Error}); retrying, the lease holds meanwhile", e.Message);
                failing = true;
            }
            await Task.Delay(_settings.PollInterval, _time, stop).ConfigureAwait(false);
        }
    }

    /// <summary>This server's member key (its URL and load) again when its load changed: renewals never wait for it.</summary>
    private async Task<string> PublishAsync(long lease, string published, CancellationToken stop)
    {
        var value = NodeValue();
        if (value == published) return published;
        await _store.PutAsync(_settings.NodesPrefix + _self.Name, value, lease, stop).ConfigureAwait(false);
        return value;
    }

    /// <summary>Reads members and owners, then claims, keeps or releases; raises <see cref="Changed"/> when anything moved.</summary>
    private async Task PollAsync(long lease, CancellationToken stop)
    {
        var nodes = await _store.ListAsync(_settings.NodesPrefix, stop).ConfigureAwait(false);
        var keys = await _store.ListAsync(_settings.StreamsPrefix, stop).ConfigureAwait(false);
        var streams = _streams;
        var owners = keys.ToDictionary(k => k.Key, k => k.Value.Lease == lease || k.Value.Value != _self.Name ? k.Value.Value : "(an earlier lease of " + _self.Name + ")", StringComparer.Ordinal);
        var plan = EtcdPlacement.Decide(_self.Name, streams, nodes.Keys.ToArray(), owners);
        var changed = UpdateMembers(nodes);

        lock (_gate)
        {
            // A stream being released stays released until its key is gone, even if the members flap back
            // meanwhile: its key is about to be deleted, and another server may claim it at once.
            foreach (var s in plan.Keep) changed |= _clock.IsValid && !_releasing.ContainsKey(s) && _owned.Add(s);
            foreach (var s in plan.Release)
            {
                // Also a key the fence took out of _owned while a late renewal kept the lease: nobody else can
                // claim it until it is deleted, so it is released like the others (stopped here, then deleted).
                changed |= _owned.Remove(s);
                _releasing.TryAdd(s, _time.GetTimestamp()); // deleted at the next poll, once the host has stopped it
            }
        }
        if (changed) RaiseChanged();
        changed = false;

        foreach (var (s, since) in Snapshot(_releasing))
        {
            if (_time.GetElapsedTime(since) < _settings.PollInterval) continue;
            await _store.DeleteIfAsync(_settings.StreamsPrefix + s, lease, stop).ConfigureAwait(false);
            lock (_gate) _releasing.Remove(s);
            owners.Remove(s);
            _log.LogInformation("released cluster stream {Stream}", s);
        }
        foreach (var s in keys.Keys.Where(k => keys[k].Lease == lease && !streams.Any(c => c.Name == k)).ToArray())
            await _store.DeleteIfAsync(_settings.StreamsPrefix + s, lease, stop).ConfigureAwait(false); // no longer a cluster stream
        foreach (var s in plan.Claim)
        {
            if (!_clock.IsValid) break;
            if (!await _store.CreateAsync(_settings.StreamsPrefix + s, _self.Name, lease, stop).ConfigureAwait(false)) continue;
            owners[s] = _self.Name;
            lock (_gate) changed |= _owned.Add(s);
            _log.LogInformation("claimed cluster stream {Stream}", s);
        }
        lock (_gate) changed |= UpdatePlacementLocked(streams, owners);
        if (changed) RaiseChanged();
    }

    private bool UpdateMembers(Dictionary<string, (string Value, long Lease)> nodes)
    {
        var now = _time.GetUtcNow();
        var changed = false;
        lock (_gate)
        {
            foreach (var (name, (value, _)) in nodes)
            {
                var (url, load) = ParseNode(name, value);
                changed |= !_members.TryGetValue(name, out var before) || !before.Alive;
                _members[name] = new Member(new ClusterNode(name, url), load, now, true);
            }
            foreach (var (name, m) in _members.ToArray())
            {
                if (nodes.ContainsKey(name) || !m.Alive) continue;
                _members[name] = m with { Alive = false };
                changed = true;
            }
        }
        return changed;
    }

    private bool UpdatePlacementLocked(IReadOnlyList<ClusterStream> streams, Dictionary<string, string> owners)
    {
        var changed = false;
        var now = _time.GetUtcNow();
        foreach (var s in streams)
        {
            var owner = owners.GetValueOrDefault(s.Name) is { } name && _members.TryGetValue(name, out var m) && m.Alive ? m.Node : null;
            if (_placement.TryGetValue(s.Name, out var before) && before.Owner == owner) continue;
            _placement[s.Name] = new StreamPlacement(s.Name, owner, now);
            changed = true;
        }
        foreach (var gone in _placement.Keys.Where(k => !streams.Any(s => s.Name == k)).ToArray()) changed |= _placement.Remove(gone);
        return changed;
    }

    /// <summary>The lease may be gone at etcd soon: nothing is captured here from now on.</summary>
    private void Fence()
    {
        if (_clock.IsValid) return;
        bool had;
        lock (_gate)
        {
            had = _owned.Count > 0;
            _owned.Clear();
        }
        if (had)
        {
            _log.LogWarning("etcd lease not renewed in time: every cluster stream stops here");
            RaiseChanged();
        }
    }

    private void ArmFence()
    {
        var left = _clock.Remaining;
        _fence.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private async Task LoseLeaseAsync()
    {
        _clock.Lost();
        Fence();
        lock (_gate) _releasing.Clear();
        var lease = Interlocked.Exchange(ref _lease, 0);
        if (lease == 0) return;
        try { await _store.RevokeAsync(lease).ConfigureAwait(false); } // its keys go at once, if etcd is there to hear it
        catch (Exception e) when (e is not OutOfMemoryException) { _log.LogDebug("revoking lease {Lease:x} failed: {Error}", lease, e.Message); }
    }

    // The member key's value, {"Url": ..., "Load": {...}}, built without a type of this plugin: System.Text.Json
    // keeps metadata of every type it serializes, which would hold this plugin's context after a hot swap.
    private string NodeValue() =>
        new JsonObject { ["Url"] = _self.Url.ToString(), ["Load"] = JsonSerializer.SerializeToNode(_member.Load) }.ToJsonString();

    private (Uri Url, ClusterLoad? Load) ParseNode(string name, string value)
    {
        try
        {
            using var node = JsonDocument.Parse(value);
            var root = node.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Url", out var u) && u.ValueKind == JsonValueKind.String
                && Uri.TryCreate(u.GetString(), UriKind.Absolute, out var url))
                return (url, root.TryGetProperty("Load", out var l) && l.ValueKind == JsonValueKind.Object ? l.Deserialize<ClusterLoad>() : null);
        }
        catch (JsonException) { }
        return (ClusterNode.Of(name).Url, null);
    }

    private List<(string, long)> Snapshot(Dictionary<string, long> d)
    {
        lock (_gate) return d.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    private void RaiseChanged()
    {
        try { Changed?.Invoke(); }
        catch (Exception e) when (e is not OutOfMemoryException) { _log.LogWarning("a cluster change handler failed: {Error}", e.Message); }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _run.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        await LoseLeaseAsync().ConfigureAwait(false);
        await _fence.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        _stop.Dispose();
    }
}
