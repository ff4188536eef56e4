using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// The host's streams. Applies <see cref="StreamsOptions"/> as a diff by name (new <c>stream</c>s start,
/// removed ones stop, changed ones restart their source in place, unchanged ones keep running), starts
/// <c>ondemand</c> streams for viewers and stops them after <c>clients_timeout</c> unwatched, creates
/// streams for publishers under <c>live</c> prefixes, and answers <c>file</c> lookups.
/// </summary>
internal sealed class StreamRegistry : IStreamRegistry, IConfigurationListener, IConfigurationStage, IAsyncDisposable
{
    private readonly IEventEmitter _events;
    private readonly IPluginContributions _contributions;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly Dictionary<string, MediaStream> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly ICaptureGate _gate;
    private StreamRegistrySettings _settings;
    private Dictionary<string, StreamOptions> _configured = new(StringComparer.Ordinal);
    private IReadOnlyList<LiveOptions> _live = [];
    private IReadOnlyList<IMediaSourceFactory> _factories = [];
    private Task? _housekeeping;
    private int _disposed;

    public StreamRegistry(IEventEmitter events, IPluginContributions contributions, ILoggerFactory? loggerFactory = null,
        StreamRegistrySettings? settings = null, ICaptureGate? gate = null)
    {
        _gate = gate ?? new LocalCapture();
        _gate.Reconcile = ReconcileCaptureAsync;
        _events = events;
        _contributions = contributions;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger("Sluice.Streams");
        _settings = settings ?? new StreamRegistrySettings();
        Sessions = new SessionTracker(events, _settings.Time);
        Features = new StreamFeatures(contributions, _settings.Services, _loggerFactory);
    }

    /// <summary>The stream features in force, attached to each run of their block's streams.</summary>
    public StreamFeatures Features { get; }

    public SessionTracker Sessions { get; }

    public VodLibrary Vod { get; } = new();

    public IReadOnlyList<IMediaStream> Streams
    {
        get { lock (_lock) return _running.Values.ToArray(); }
    }

    /// <summary>The running streams, for the API.</summary>
    public IReadOnlyList<MediaStream> Running
    {
        get { lock (_lock) return _running.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray(); }
    }

    public IMediaStream? Find(string name)
    {
        lock (_lock) return _running.GetValueOrDefault(name);
    }

    public IMediaStream? OpenForViewer(string name)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(name, out var running)) return running;
            if (!_configured.TryGetValue(name, out var options))
                return _live.Any(l => name.StartsWith(l.Prefix + "/", StringComparison.Ordinal)) ? null : PullLocked(name);
            if (options.Kind != StreamKind.OnDemand || !MayCapture(options)) return null;
            return StartLocked(options);
        }
    }

    public IStreamPublisher? Publish(string name, string remoteAddress) => Publish(name, new PublisherInfo(remoteAddress, ""));

    /// <summary>Publishes to a published stream or a <c>live</c> prefix; a stream published already is taken over.</summary>
    public IStreamPublisher? Publish(string name, PublisherInfo publisher)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(name, out var running))
                return running.Options.IsPublished || running.Kind == StreamKind.Published ? running.AttachPublisher(publisher) : null;
            if (_configured.ContainsKey(name) || !StreamNames.IsValid(name, out _)) return null;
            var live = _live.FirstOrDefault(l => name.Length > l.Prefix.Length + 1 && name.StartsWith(l.Prefix + "/", StringComparison.Ordinal));
            if (live is null) return null;
            var options = new StreamOptions
            {
                Name = name,
                Kind = StreamKind.Published,
                SourceTimeout = live.SourceTimeout,
                Inputs = new([InputOptions.Publish]),
                Text = "",
                FeatureBlock = StreamsConfigSection.BlockKey("live", live.Prefix),
            };
            return StartLocked(options).AttachPublisher(publisher);
        }
    }

    /// <summary>
    /// <c>POST /api/v1/streams/NAME/stop</c>: emits <c>stream_stop</c> and stops the stream. A configured
    /// <c>stream</c> is permanent, so it starts again at once (a fresh source); an on-demand one starts
    /// with its next viewer; a published one is gone (the publisher is cut off). False when unknown.
    /// </summary>
    public async Task<bool> StopAsync(string name)
    {
        MediaStream? stream;
        lock (_lock)
        {
            if (!_running.Remove(name, out stream)) return false;
        }
        StreamEvents.StopRequested(_events, name);
        await StopRunAsync(stream, "api");
        lock (_lock)
        {
            if (_configured.TryGetValue(name, out var options) && options.Kind == StreamKind.Stream && !_running.ContainsKey(name) && MayCapture(options))
                StartLocked(options);
        }
        return true;
    }

    public string Name => "streams";

    /// <summary>Prepare and commit in one (tests and tools that apply by hand): an error in the prepared change is thrown.</summary>
    public async ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        await using var change = await PrepareAsync(configuration, cancellationToken);
        if (change.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", change.Errors));
        await change.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Resolves the source type of every input of every configured stream with the contributions loaded now (an
    /// input nothing reads is an error) and creates the new stream features; nothing that runs is touched.
    /// </summary>
    public Task<IStagedChange> PrepareAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        var options = configuration.Get<StreamsOptions>() ?? StreamsOptions.Empty;
        var factories = _contributions.All<IMediaSourceFactory>();
        var errors = new List<string>();
        foreach (var stream in options.Streams)
        {
            if (stream.IsPublished) continue;
            var inputs = stream.Backup is { } backup ? stream.Inputs.Append(backup.Input) : stream.Inputs;
            foreach (var input in inputs)
            {
                if (input.IsPublish || SourceFactories.Claiming(factories, input.Url) is not null) continue;
                errors.Add($"stream {stream.Name}: no loaded source type reads '{input.DisplayUrl}' (at {input.Location})");
            }
        }
        var features = Features.Prepare(options.Features, configuration.Directory);
        errors.AddRange(features.Errors);
        IStagedChange change = new StagedChange(
            ct => CommitAsync(configuration, options, factories, features, ct),
            features.DiscardAsync,
            errors);
        return Task.FromResult(change);
    }

    /// <summary>
    /// Switches to <paramref name="options"/>: removed streams stop, changed ones restart their source in place (or
    /// stop and start again when their kind changed), unchanged ones take the new source types, new ones start.
    /// </summary>
    private async Task CommitAsync(SluiceConfiguration configuration, StreamsOptions options, IReadOnlyList<IMediaSourceFactory> factories,
        FeatureChange features, CancellationToken cancellationToken)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            Sessions.MaxSessions = configuration.Get<CoreOptions>()?.MaxSessions;
            Vod.Set(options.Files);
            var toStop = new List<(MediaStream, string)>();
            lock (_lock)
            {
                _settings = _settings with { ConfigDirectory = configuration.Directory };
                _factories = factories;
                _configured = options.Streams.ToDictionary(s => s.Name, StringComparer.Ordinal);
                _live = options.Live;
                foreach (var (name, stream) in _running.ToArray())
                {
                    if (stream.Kind == StreamKind.Published)
                    {
                        if (_configured.ContainsKey(name) || !_live.Any(l => name.StartsWith(l.Prefix + "/", StringComparison.Ordinal)))
                        {
                            _running.Remove(name);
                            toStop.Add((stream, "removed"));
                        }
                        continue;
                    }
                    if (stream.Options.IsPulled && !_configured.ContainsKey(name)) continue; // from an origin, until its viewers leave
                    if (!_configured.TryGetValue(name, out var next))
                    {
                        _running.Remove(name);
                        toStop.Add((stream, "removed"));
                    }
                    else if (next.Text == stream.Options.Text) stream.UpdateFactories(_factories);
                    else if (next.Kind == stream.Kind && next.IsPublished == stream.Options.IsPublished && !next.IsPublished)
                        stream.Reconfigure(next, _factories);
                    else
                    {
                        _running.Remove(name);
                        toStop.Add((stream, "reconfigured"));
                    }
                }
            }
            await Task.WhenAll(toStop.Select(s => StopRunAsync(s.Item1, s.Item2)));
            List<(MediaStream, string)> running;
            lock (_lock) running = _running.Values.Select(r => (r, r.Options.FeatureBlock)).ToList();
            await Features.CommitAsync(features, running);
            lock (_lock)
            {
                foreach (var stream in _configured.Values)
                    if (stream.Kind == StreamKind.Stream && !_running.ContainsKey(stream.Name) && MayCapture(stream)) StartLocked(stream);
            }
            StartHousekeeping();
        }
        finally
        {
            _applyLock.Release();
        }
    }

    /// <summary>A <c>cluster_ingest</c> stream opens its input only where the cluster strategy places it.</summary>
    private bool MayCapture(StreamOptions options) => options.ClusterIngest is null || _gate.MayCapture(options.Name);

    /// <summary><c>source HOST:PORT;</c>: a stream unknown here, pulled on demand from the origins (null: none configured).</summary>
    private MediaStream? PullLocked(string name) => _gate.PullOptions(name) is { } pull ? StartLocked(pull) : null;

    /// <summary>
    /// The cluster strategy changed its mind: stops the cluster streams this server may no longer capture
    /// (first, so that a stream moving away stops here before it starts there), then starts the
    /// <c>stream</c>s it may capture now; an <c>ondemand</c> one waits for its viewer as usual.
    /// </summary>
    private async Task ReconcileCaptureAsync()
    {
        await _applyLock.WaitAsync();
        try
        {
            var toStop = new List<MediaStream>();
            lock (_lock)
            {
                foreach (var options in _configured.Values.Where(o => o.ClusterIngest is not null))
                {
                    if (_running.TryGetValue(options.Name, out var stream) && !_gate.MayCapture(options.Name))
                    {
                        _running.Remove(options.Name);
                        toStop.Add(stream);
                    }
                }
            }
            await Task.WhenAll(toStop.Select(s => StopRunAsync(s, "cluster_moved")));
            lock (_lock)
            {
                if (_disposed != 0) return;
                foreach (var options in _configured.Values.Where(o => o.ClusterIngest is not null && o.Kind == StreamKind.Stream))
                    if (!_running.ContainsKey(options.Name) && _gate.MayCapture(options.Name)) StartLocked(options);
            }
        }
        finally
        {
            _applyLock.Release();
        }
    }

    /// <summary>Starts the loop that stops idle on-demand and unpublished streams (the registry's hosted service does; so does the first apply).</summary>
    public void StartHousekeeping()
    {
        lock (_lock)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            _housekeeping ??= Task.Run(() => HousekeepingAsync(_disposing.Token), CancellationToken.None);
        }
    }

    private MediaStream StartLocked(StreamOptions options)
    {
        var stream = new MediaStream(options, _factories, _events, _settings, _loggerFactory.CreateLogger("Sluice.Streams." + options.Name));
        _running[options.Name] = stream;
        stream.Start();
        Features.Attach(stream, options.FeatureBlock);
        return stream;
    }

    /// <summary>Ends a run of a stream: the stream stops, then its features let go of it.</summary>
    private async Task StopRunAsync(MediaStream stream, string reason)
    {
        await stream.StopAsync(reason);
        await Features.DetachAsync(stream);
    }

    /// <summary>
    /// Stops on-demand streams nobody watches and published streams whose publisher left; reports
    /// publishers that went silent (<c>frames_timed_out</c>).
    /// </summary>
    private async Task HousekeepingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_settings.IdleCheckInterval, _settings.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var idle = new List<(MediaStream, string)>();
                lock (_lock)
                {
                    foreach (var (name, s) in _running.ToArray())
                    {
                        if (s.Kind == StreamKind.Published || s.Options.IsPublished) s.CheckPublisherSilence();
                        if (s.Kind == StreamKind.OnDemand && s.IdleFor(s.Options.ClientsTimeout)) idle.Add((s, "no_clients"));
                        else if (s.Kind == StreamKind.Published && s.UnpublishedFor(_settings.PublishedLinger)) idle.Add((s, "unpublished"));
                        else continue;
                        _running.Remove(name);
                    }
                }
                foreach (var (s, reason) in idle)
                {
                    _log.LogInformation("stream {Stream} stopped: {Reason}", s.Name, reason);
                    await StopRunAsync(s, reason);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops every stream. Idempotent: the host disposes it, and so does the service provider that hands it out.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _disposing.Cancel();
        Task? housekeeping;
        lock (_lock) housekeeping = _housekeeping;
        if (housekeeping is not null) await housekeeping;
        MediaStream[] all;
        lock (_lock)
        {
            all = _running.Values.ToArray();
            _running.Clear();
        }
        await Task.WhenAll(all.Select(s => StopRunAsync(s, "shutdown")));
        await Features.DisposeAsync();
        _disposing.Dispose();
    }
}
