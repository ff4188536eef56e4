using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;

namespace Sluice.Cluster.Peers;

/// <summary>
/// Peer polling: one loop per peer asks it, every <c>fetch_timeout</c> (which is also the poll's deadline),
/// what it captures; after each answer or failure the placement is decided again. The spec's caveat holds:
/// a peer that is only cut off looks dead, so during a partition both sides may capture a stream.
/// </summary>
internal sealed class PeerStrategy : IClusterStrategy
{
    private readonly object _gate = new();
    private readonly IPeerClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ClusterNode? _self;
    private readonly string? _key;
    private readonly PeerTable _table;
    private readonly PeerPlacement _placement;
    private CancellationTokenSource _stop = new();
    private List<Task> _loops = [];
    private IReadOnlyList<ClusterStream> _streams;
    private Dictionary<string, ClusterNode> _nodes;
    private volatile IReadOnlySet<string> _mine = new HashSet<string>();
    private long _evaluatedAt;
    private TimeSpan _stallLimit = TimeSpan.MaxValue;
    private bool _started;

    public PeerStrategy(ClusterContext context, IPeerClient client)
    {
        _client = client;
        _time = context.Time;
        _log = context.Logger;
        _self = context.Self;
        _key = context.ClusterKey;
        _table = new PeerTable(_time);
        _placement = new PeerPlacement(_self, _time);
        _streams = context.Streams;
        _nodes = Nodes(context);
        _table.Set(Others(context));
    }

    public event Action? Changed;

    /// <summary>Only while decisions are fresh: right after a freeze, before the first poll ends, this answers false.</summary>
    public bool MayCapture(string stream) =>
        _mine.Contains(stream) && _time.GetElapsedTime(Volatile.Read(ref _evaluatedAt)) < _stallLimit;

    public IReadOnlyList<StreamPlacement> Placement
    {
        get { lock (_gate) return _placement.Placement; }
    }

    public IReadOnlyList<ClusterPeerStatus> Peers
    {
        get
        {
            lock (_gate)
            {
                var list = new List<ClusterPeerStatus>();
                if (_self is not null) list.Add(new ClusterPeerStatus(_self, true, true, _time.GetUtcNow(), null));
                list.AddRange(_table.Peers.Select(p => _table.Status(p.Node.Name)));
                return list.OrderBy(p => p.Node.Name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _started = true;
            StartLoopsLocked();
        }
        return Task.CompletedTask;
    }

    public bool TryReconfigure(ClusterContext context)
    {
        if (context.Self != _self || context.ClusterKey != _key) return false;
        lock (_gate)
        {
            _stop.Cancel();
            _stop = new CancellationTokenSource();
            _streams = context.Streams;
            _nodes = Nodes(context);
            _table.Set(Others(context));
            if (_started) StartLoopsLocked();
        }
        Evaluate(); // another stream list or capture_at decides now; the loops of the old peer list wind down alone
        return true;
    }

    private void StartLoopsLocked()
    {
        var token = _stop.Token;
        _loops = _table.Peers.Select(p => Task.Run(() => PollAsync(p, token), CancellationToken.None)).ToList();
        if (_loops.Count == 0) Evaluate(); // alone in the group: decide now
    }

    private async Task PollAsync(ClusterPeer peer, CancellationToken stop)
    {
        var wasAnswering = true;
        while (!stop.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                using var deadline = new CancellationTokenSource(peer.FetchTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
                var load = await _client.AskAsync(peer.Node, linked.Token).ConfigureAwait(false);
                lock (_gate) _table.Answered(peer.Node.Name, load);
                wasAnswering = true;
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is not OutOfMemoryException)
            {
                if (wasAnswering) _log.LogDebug("peer {Peer} did not answer: {Error}", peer.Node.Name, e is OperationCanceledException ? "no answer within fetch_timeout" : e.Message);
                wasAnswering = false;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Evaluate();
            var wait = peer.FetchTimeout - _time.GetElapsedTime(started);
            if (wait <= TimeSpan.Zero) continue;
            try { await Task.Delay(wait, _time, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Decides again from what was heard; raises <see cref="Changed"/> when something moved.</summary>
    internal void Evaluate()
    {
        bool changed;
        lock (_gate)
        {
            changed = _placement.Evaluate(_streams, _table, _nodes);
            if (changed) _mine = new HashSet<string>(_placement.Mine, StringComparer.Ordinal);
            _stallLimit = _table.StallLimit;
            Volatile.Write(ref _evaluatedAt, _time.GetTimestamp());
        }
        if (!changed) return;
        try { Changed?.Invoke(); }
        catch (Exception e) when (e is not OutOfMemoryException) { _log.LogWarning("a cluster change handler failed: {Error}", e.Message); }
    }

    private static IEnumerable<ClusterPeer> Others(ClusterContext context) => context.Peers.Where(p => p.Node != context.Self);

    private static Dictionary<string, ClusterNode> Nodes(ClusterContext context) =>
        context.Peers.Select(p => p.Node).Append(context.Self).OfType<ClusterNode>().DistinctBy(n => n.Name).ToDictionary(n => n.Name, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        List<Task> loops;
        lock (_gate)
        {
            _started = false;
            _stop.Cancel();
            loops = _loops;
            _mine = new HashSet<string>();
        }
        try { await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        _client.Dispose();
        _stop.Dispose();
    }
}
