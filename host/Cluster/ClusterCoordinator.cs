using System.Net;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Cluster;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Cluster;

/// <summary>
/// Runs the cluster strategy the configuration chooses and hands its decisions to the <see cref="CaptureGate"/>.
/// A reload the strategy can take in place keeps it; another engine, or a swapped plugin, replaces it: every
/// cluster stream stops here before the new strategy starts, so a swap never captures a stream twice. Emits
/// <c>cluster_peer_up</c>/<c>cluster_peer_down</c> as peers come and go and <c>cluster_stream_moved</c> when a
/// stream starts being captured here. Applied before the stream registry (<see cref="ClusterStage"/>), so new cluster streams wait for it.
/// </summary>
internal sealed class ClusterCoordinator(
    IPluginContributions contributions, IEventEmitter events, CaptureGate gate, StreamRegistry streams,
    IServiceProvider services, ILoggerFactory loggerFactory) : IClusterMember, IAsyncDisposable
{
    private sealed record Running(IClusterStrategyFactory Factory, IClusterStrategy Strategy, ClusterNode? Self);

    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Cluster");
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly object _seenGate = new();
    private Running? _running;
    private Dictionary<string, bool> _alive = new(StringComparer.Ordinal);
    private Dictionary<string, StreamPlacement> _placed = new(StringComparer.Ordinal);
    private ClusterOptions _options = ClusterOptions.None;

    /// <summary>The strategy in force (null: this server is not clustered, or none is loaded).</summary>
    public IClusterStrategy? Strategy => _running?.Strategy;

    public string? StrategyName => _running?.Factory.Name;

    public ClusterNode? Self => _running?.Self;

    public ClusterOptions Options => _options;

    public CaptureGate Gate => gate;

    /// <summary>What this server captures now (running cluster streams it may capture) and its viewers.</summary>
    public ClusterLoad Load
    {
        get
        {
            var running = streams.Running;
            var captured = running.Where(s => s.Options.ClusterIngest is not null && gate.MayCapture(s.Name)).Select(s => s.Name).ToArray();
            return new ClusterLoad(captured, running.Sum(s => s.Viewers));
        }
    }

    public async ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var options = configuration.Get<ClusterOptions>() ?? ClusterOptions.None;
            var core = configuration.Get<CoreOptions>() ?? new CoreOptions();
            var clusterStreams = (configuration.Get<StreamsOptions>() ?? StreamsOptions.Empty).Streams
                .Where(s => s.ClusterIngest is not null).Select(s => new ClusterStream(s.Name, s.ClusterIngest!.CaptureAt)).ToArray();
            _options = options;
            gate.SetOrigins(new OriginPulls(options.Origins, options.Key));
            var factory = options.Engine is { } engine ? ClusterConfigSection.Serving(contributions.All<IClusterStrategyFactory>(), engine.Scheme) : null;
            var self = options.Active ? FindSelf(options, core) : null;
            if (options.Active) Warn(options, core, self, clusterStreams);
            else if (clusterStreams.Length > 0)
                _log.LogWarning("{Count} cluster_ingest streams but no peer lines or cluster_ingest_engine: they are captured here, like any stream", clusterStreams.Length);

            var context = factory is null ? null
                : ClusterContexts.For(options, self, clusterStreams, configuration.Directory, new DiagnosticList(), services, this,
                    loggerFactory.CreateLogger("Sluice.Cluster." + factory.Name));
            if (_running is { } current)
            {
                var keep = context is not null && ReferenceEquals(current.Factory, factory) && current.Self == self && TryReconfigure(current, context);
                if (!keep) await RetireAsync(current, factory is null ? "no strategy" : "replaced");
            }
            if (_running is null && factory is not null && context is not null) await StartAsync(factory, context, self, cancellationToken);
            else if (_running is null) await gate.UseAsync(options.Active, null, null);
            else await gate.ChangedAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    private bool TryReconfigure(Running current, ClusterContext context)
    {
        try
        {
            return current.Strategy.TryReconfigure(context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("{Strategy} failed to reconfigure, replacing it: {Error}", current.Factory.Name, e.Message);
            return false;
        }
    }

    private async Task StartAsync(IClusterStrategyFactory factory, ClusterContext context, ClusterNode? self, CancellationToken cancellationToken)
    {
        IClusterStrategy strategy;
        try
        {
            strategy = factory.Create(context);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError("cluster strategy {Strategy} could not be created: {Error}; no cluster stream is captured here", factory.Name, e.Message);
            await gate.UseAsync(true, null, null);
            return;
        }
        var running = new Running(factory, strategy, self);
        strategy.Changed += OnChanged;
        _running = running;
        await gate.UseAsync(true, strategy, self?.Name);
        try
        {
            await strategy.StartAsync(cancellationToken);
            _log.LogInformation("cluster strategy {Strategy} started as {Self} ({Engine}); {Peers} peers, {Streams} cluster streams",
                factory.Name, self?.Name ?? "(not a member)", SecretText.Redact(context.Spec), context.Peers.Count, context.Streams.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError("cluster strategy {Strategy} failed to start: {Error}; no cluster stream is captured here", factory.Name, e.Message);
        }
    }

    /// <summary>Stops every cluster stream here (the gate says no), then disposes the strategy: nothing runs twice across a swap.</summary>
    private async Task RetireAsync(Running running, string why)
    {
        running.Strategy.Changed -= OnChanged;
        _running = null;
        await gate.UseAsync(true, null, null);
        try
        {
            await running.Strategy.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("cluster strategy {Strategy} failed to stop: {Error}", running.Factory.Name, e.Message);
        }
        _log.LogInformation("cluster strategy {Strategy} stopped ({Why})", running.Factory.Name, why);
    }

    private void OnChanged()
    {
        if (_running is not { } running) return;
        gate.Refresh(); // redirects follow at once; starting and stopping streams runs apart
        Report(running);
        _ = Task.Run(async () =>
        {
            try { await gate.ChangedAsync(); }
            catch (Exception e) { _log.LogError(e, "applying the cluster's decision failed"); }
        });
    }

    /// <summary>Events for what changed since the last look: peers up or down, streams now captured here.</summary>
    private void Report(Running running)
    {
        IReadOnlyList<ClusterPeerStatus> peers;
        IReadOnlyList<StreamPlacement> placement;
        try
        {
            peers = running.Strategy.Peers;
            placement = running.Strategy.Placement;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("cluster strategy {Strategy} failed to report: {Error}", running.Factory.Name, e.Message);
            return;
        }
        lock (_seenGate)
        {
            var alive = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var p in peers.Where(p => !p.IsSelf))
            {
                alive[p.Node.Name] = p.Alive;
                var was = _alive.GetValueOrDefault(p.Node.Name);
                if (p.Alive == was || (!p.Alive && !_alive.ContainsKey(p.Node.Name))) continue;
                events.ClusterPeer(p.Node.Name, p.Alive);
                _log.Log(p.Alive ? LogLevel.Information : LogLevel.Warning, "cluster peer {Peer} is {State}", p.Node.Name, p.Alive ? "up" : "down");
            }
            _alive = alive;
            var placed = placement.ToDictionary(p => p.Stream, StringComparer.Ordinal);
            foreach (var p in placement)
            {
                var before = _placed.GetValueOrDefault(p.Stream);
                if (p.Owner is null || p.Owner == before?.Owner || p.Owner != running.Self) continue;
                events.ClusterStreamMoved(p.Stream, before?.Owner?.Name ?? "", p.Owner.Name);
                _log.LogInformation("cluster stream {Stream} is captured here now (was {From})", p.Stream, before?.Owner?.Name ?? "nowhere");
            }
            _placed = placed;
        }
    }

    /// <summary>
    /// This server among the peers: the line whose port is one of its HTTP ports and whose host is the
    /// listen address, <c>hostname</c>, the machine's name or a loopback name. Without peer lines (an engine
    /// that lists its members itself): its first HTTP listener, with <c>hostname</c> for a wildcard address.
    /// </summary>
    public static ClusterNode? FindSelf(ClusterOptions options, CoreOptions core)
    {
        foreach (var peer in options.Peers)
        {
            var host = peer.Node.Host;
            var port = int.Parse(peer.Node.Name[(peer.Node.Name.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            foreach (var ep in core.Http.Where(e => e.Port == port))
            {
                var wildcard = ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any);
                if ((IPAddress.TryParse(host, out var ip) && (ip.Equals(ep.Address) || (wildcard && IPAddress.IsLoopback(ip))))
                    || string.Equals(host, core.Hostname, StringComparison.OrdinalIgnoreCase)
                    || (wildcard && (string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase) || host == "localhost")))
                    return peer.Node;
            }
        }
        if (options.Peers.Count > 0 || core.Http.Count == 0) return null;
        var first = core.Http[0];
        var address = first.Address.Equals(IPAddress.Any) || first.Address.Equals(IPAddress.IPv6Any) ? core.Hostname : first.Address.ToString();
        return ClusterNode.Of(address.ToLowerInvariant() + ":" + first.Port);
    }

    private void Warn(ClusterOptions options, CoreOptions core, ClusterNode? self, IReadOnlyList<ClusterStream> clusterStreams)
    {
        if (self is null)
            _log.LogWarning("this server ({Http}, hostname {Hostname}) is not among the peers: it captures no cluster_ingest stream and redirects their viewers",
                string.Join(", ", core.Http), core.Hostname);
        if (options.Peers.Count == 0) return;
        foreach (var s in clusterStreams.Where(s => s.CaptureAt is { } at && Rendezvous.Preferred(at, options.Peers.Select(p => p.Node.Name).ToArray()) is null))
            _log.LogWarning("cluster stream {Stream}: capture_at={CaptureAt} names no peer; it is placed like the others", s.Name, s.CaptureAt);
    }

    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync();
        try
        {
            if (_running is { } running) await RetireAsync(running, "shutdown");
        }
        finally
        {
            _lock.Release();
        }
    }
}
