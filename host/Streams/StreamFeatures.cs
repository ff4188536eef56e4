using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.Host.Plugins;

namespace Sluice.Host.Streams;

/// <summary>
/// The stream features in force (<c>dvr</c>, <c>push</c>, <c>thumbnails</c>...): one per directive of each
/// <c>stream</c>, <c>ondemand</c> and <c>live</c> block, created whether or not the stream runs, and attached
/// to every run of a stream of that block. A reload keeps a feature whose directive did not change, lets a
/// changed one reconfigure in place (an archive's depth) or replaces it; a plugin swap replaces the features
/// of the swapped factory. A feature that throws is logged and left out; the stream runs on.
/// </summary>
internal sealed class StreamFeatures(IPluginContributions contributions, IServiceProvider services, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    internal sealed class Active(FeatureOptions options, IStreamFeatureFactory factory, IStreamFeature feature)
    {
        public FeatureOptions Options { get; set; } = options;
        public IStreamFeatureFactory Factory { get; } = factory;
        public IStreamFeature Feature { get; } = feature;
        public Dictionary<MediaStream, IAsyncDisposable> Attached { get; } = new(ReferenceEqualityComparer.Instance);
    }

    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Streams.Features");
    private readonly TimeProvider _time = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
    private readonly object _gate = new();
    private List<Active> _active = [];

    /// <summary>The features of a block, e.g. <c>stream tv</c>, for the API and tests.</summary>
    public IReadOnlyList<IStreamFeature> Of(string block)
    {
        lock (_gate) return _active.Where(a => a.Options.Block == block).Select(a => a.Feature).ToArray();
    }

    /// <summary>
    /// Brings the features in line with <paramref name="wanted"/> and attaches new ones to the streams of
    /// their block that run now (<paramref name="running"/>: each stream with its block).
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<FeatureOptions> wanted, string configDirectory, IReadOnlyList<(MediaStream Stream, string Block)> running)
    {
        var change = Prepare(wanted, configDirectory);
        await CommitAsync(change, running);
    }

    /// <summary>
    /// The first half of an apply: creates the features of new directives and of directives whose factory
    /// changed (a plugin swap), touching nothing that runs. A changed directive of the same factory is offered to
    /// its running feature at commit (<see cref="IStreamFeature.TryReconfigure"/>), and created then only if it declines.
    /// </summary>
    public FeatureChange Prepare(IReadOnlyList<FeatureOptions> wanted, string configDirectory)
    {
        var factories = contributions.All<IStreamFeatureFactory>();
        List<Active> old;
        lock (_gate) old = _active;
        var plan = new List<FeatureChange.Step>();
        var errors = new List<string>();
        foreach (var options in wanted)
        {
            var factory = factories.FirstOrDefault(f => f.Name == options.Factory);
            if (factory is null)
            {
                errors.Add($"{options.Block}: no loaded plugin provides '{options.Directive.Name}' (at {options.Directive.Location})");
                continue;
            }
            var current = old.FirstOrDefault(a => a.Options.Key == options.Key && !plan.Exists(p => p.Current == a));
            if (current is not null && ReferenceEquals(current.Factory, factory))
            {
                plan.Add(new FeatureChange.Step(options, factory, current, null));
                continue;
            }
            var (created, error) = Create(factory, options, configDirectory);
            if (created is null) errors.Add($"{options.Block}: {error}");
            else plan.Add(new FeatureChange.Step(options, factory, null, created));
        }
        return new FeatureChange(plan, errors, configDirectory);
    }

    /// <summary>The second half: switches to what <paramref name="change"/> prepared and retires the features no longer wanted.</summary>
    public async Task CommitAsync(FeatureChange change, IReadOnlyList<(MediaStream Stream, string Block)> running)
    {
        List<Active> old;
        lock (_gate) old = _active;
        var next = new List<Active>();
        foreach (var (options, factory, current, prepared) in change.Take())
        {
            var created = prepared;
            if (current is not null)
            {
                if (current.Options.Text == options.Text || TryReconfigure(current, options, change.ConfigDirectory))
                {
                    current.Options = options;
                    next.Add(current);
                    continue;
                }
                // It declined the change: a new one replaces it, or, if that cannot be created, it runs on as it was.
                created = Create(factory, options, change.ConfigDirectory).Feature;
                if (created is null)
                {
                    next.Add(current);
                    continue;
                }
            }
            next.Add(created!);
            foreach (var (stream, block) in running.Where(r => r.Block == options.Block)) Attach(created!, stream);
        }
        var retired = old.Where(a => !next.Contains(a)).ToList();
        lock (_gate) _active = next;
        foreach (var a in retired) await RetireAsync(a);
    }

    /// <summary>A run of a stream of <paramref name="block"/> started: every feature of the block attaches to it.</summary>
    public void Attach(MediaStream stream, string block)
    {
        List<Active> features;
        lock (_gate) features = _active.Where(a => a.Options.Block == block).ToList();
        foreach (var a in features) Attach(a, stream);
    }

    /// <summary>A run of a stream stopped: every feature attached to it lets go.</summary>
    public async Task DetachAsync(MediaStream stream)
    {
        List<(Active, IAsyncDisposable)> handles = [];
        lock (_gate)
        {
            foreach (var a in _active)
            {
                lock (a.Attached)
                {
                    if (a.Attached.Remove(stream, out var handle)) handles.Add((a, handle));
                }
            }
        }
        foreach (var (a, handle) in handles) await DisposeQuietlyAsync(handle, a.Options, "detaching from " + stream.Name);
    }

    private void Attach(Active a, MediaStream stream)
    {
        try
        {
            var handle = a.Feature.Attach(stream);
            lock (a.Attached) a.Attached[stream] = handle;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogError("{Feature} at {Location} failed to attach to stream {Stream}: {Error}", a.Options.Directive.Name, a.Options.Directive.Location, stream.Name, e.Message);
        }
    }

    private (Active? Feature, string? Error) Create(IStreamFeatureFactory factory, FeatureOptions options, string configDirectory)
    {
        string error;
        try
        {
            var problems = new DiagnosticList();
            var feature = factory.Create(Context(options, configDirectory, problems));
            if (!problems.HasErrors) return (new Active(options, factory, feature), null);
            error = string.Join("; ", problems.Errors.Select(e => e.Message));
            _ = feature.DisposeAsync().AsTask();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e.Message;
        }
        _log.LogError("{Feature} at {Location} could not be created: {Errors}", options.Directive.Name, options.Directive.Location, error);
        return (null, $"{options.Directive.Name} at {options.Directive.Location} could not be created: {error}");
    }

    private bool TryReconfigure(Active a, FeatureOptions options, string configDirectory)
    {
        try
        {
            return a.Feature.TryReconfigure(Context(options, configDirectory, new DiagnosticList()));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("{Feature} at {Location} failed to reconfigure, replacing it: {Error}", options.Directive.Name, options.Directive.Location, e.Message);
            return false;
        }
    }

    private async Task RetireAsync(Active a)
    {
        List<(MediaStream, IAsyncDisposable)> handles;
        lock (a.Attached)
        {
            handles = a.Attached.Select(kv => (kv.Key, kv.Value)).ToList();
            a.Attached.Clear();
        }
        foreach (var (stream, handle) in handles) await DisposeQuietlyAsync(handle, a.Options, "detaching from " + stream.Name);
        await DisposeQuietlyAsync(a.Feature, a.Options, "disposing");
    }

    private async Task DisposeQuietlyAsync(IAsyncDisposable target, FeatureOptions options, string what)
    {
        try
        {
            await target.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), _time);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("{Feature} at {Location}: {What} failed: {Error}", options.Directive.Name, options.Directive.Location, what, e.Message);
        }
    }

    public StreamFeatureContext Context(FeatureOptions options, string configDirectory, IConfigDiagnostics diagnostics) => new()
    {
        StreamName = options.StreamName,
        Block = options.BlockKind,
        Directive = options.Directive,
        Spec = string.Join(" ", options.Directive.Arguments.Select(a => a.Text)),
        Location = options.Directive.Location,
        Options = options.Directive.Block ?? [],
        Diagnostics = diagnostics,
        ConfigDirectory = configDirectory,
        Services = services,
        Time = _time,
        Logger = loggerFactory.CreateLogger($"Sluice.Streams.{options.StreamName}.{options.Directive.Name}"),
    };

    public async ValueTask DisposeAsync()
    {
        List<Active> all;
        lock (_gate)
        {
            all = _active;
            _active = [];
        }
        foreach (var a in all) await RetireAsync(a);
    }
}

/// <summary>
/// One feature directive of one block as bound: <see cref="Block"/> names the block (<c>stream tv</c>,
/// <c>live pub</c>), <see cref="Key"/> the directive within it (its name and rank among its kind).
/// </summary>
internal sealed record FeatureOptions(string Factory, string Block, StreamBlockKind BlockKind, string StreamName, int Rank, ConfigDirective Directive)
{
    public string Key => $"{Block}/{Directive.Name}#{Rank}";

    public string Text => Directive.Text;

    public bool Equals(FeatureOptions? other) => other is not null && Key == other.Key && Text == other.Text && Factory == other.Factory;

    public override int GetHashCode() => HashCode.Combine(Key, Text);
}

/// <summary>What <see cref="StreamFeatures.Prepare"/> planned: per wanted directive, the running feature to keep or reconfigure, or the one created for it.</summary>
internal sealed class FeatureChange(IReadOnlyList<FeatureChange.Step> steps, IReadOnlyList<string> errors, string configDirectory)
{
    internal sealed record Step(FeatureOptions Options, IStreamFeatureFactory Factory, StreamFeatures.Active? Current, StreamFeatures.Active? Created);

    private int _taken;

    public IReadOnlyList<string> Errors { get; } = errors;

    public string ConfigDirectory { get; } = configDirectory;

    internal IReadOnlyList<Step> Take() =>
        Interlocked.Exchange(ref _taken, 1) == 0 ? steps : throw new InvalidOperationException("a feature change is committed once");

    /// <summary>Disposes the features created for a change that is not committed.</summary>
    public async ValueTask DiscardAsync()
    {
        if (Interlocked.Exchange(ref _taken, 1) != 0) return;
        foreach (var step in steps)
        {
            if (step.Created is null) continue;
            try { await step.Created.Feature.DisposeAsync(); }
            catch (Exception e) when (e is not OutOfMemoryException) { }
        }
    }
}
