using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Host.Streams;

/// <summary>
/// Owns <c>stream</c>, <c>ondemand</c>, <c>live</c> and <c>file</c>; binds <see cref="StreamsOptions"/>.
/// Every input must be claimed by a loaded <see cref="IMediaSourceFactory"/> whose Validate passes; the
/// directives of loaded <see cref="IStreamFeatureFactory"/>s (<c>dvr</c>, <c>push</c>...) are checked by
/// their factory. Spec directives a stream may carry that nothing loaded implements are left to the
/// validator, which warns and drops them (security ones such as <c>auth</c> are errors there).
/// </summary>
internal sealed class StreamsConfigSection(IPluginContributions contributions) : IContributionsSection
{
    public IConfigSection For(IPluginContributions other) => ReferenceEquals(other, contributions) ? this : new StreamsConfigSection(other);

    private static readonly DirectiveSpec Input = new("input", "input URL [key=value...]", 1);
    private static readonly DirectiveSpec Url = new("url", "url URL [key=value...] (older spelling of input)", 1);
    private static readonly DirectiveSpec SourceTimeout = new("source_timeout", "source_timeout DURATION", 1, 1) { Repeatable = false };
    private static readonly DirectiveSpec ClientsTimeout = new("clients_timeout", "clients_timeout DURATION", 1, 1) { Repeatable = false };
    private static readonly DirectiveSpec RetryLimit = new("retry_limit", "retry_limit N", 1, 1) { Repeatable = false };
    private static readonly DirectiveSpec Title = new("title", "title TEXT", 1) { Repeatable = false };
    private static readonly DirectiveSpec SegmentDuration = new("segment_duration", "segment_duration DURATION", 1, 1) { Repeatable = false };
    private static readonly DirectiveSpec SegmentCount = new("segment_count", "segment_count N", 1, 1) { Repeatable = false };
    private static readonly DirectiveSpec Backup = new("backup", "backup FILE", 1, 1) { Repeatable = false };
    private static readonly DirectiveSpec ClusterIngest = new("cluster_ingest", "cluster_ingest [capture_at=SERVER]", 0, 1) { Repeatable = false };

    private static readonly DirectiveSpec[] StreamChildren =
        [Input, Url, SourceTimeout, ClientsTimeout, RetryLimit, Title, SegmentDuration, SegmentCount, Backup, ClusterIngest];

    public IReadOnlyList<DirectiveSpec> Directives
    {
        get
        {
            var features = FeatureSpecs(contributions.All<IStreamFeatureFactory>()).Select(f => f.Spec).ToArray();
            return
            [
                new("stream", "stream NAME { input URL; ... }", 1, 1, BlockUse.Required, [.. StreamChildren, .. features]),
                new("ondemand", "ondemand NAME { input URL; clients_timeout DURATION; ... }", 1, 1, BlockUse.Required, [.. StreamChildren, .. features]),
                new("live", "live PREFIX [{ source_timeout DURATION; }]", 1, 1, BlockUse.Optional, [SourceTimeout, .. features]),
                new("file", "file PREFIX { path DIR; }", 1, 1, BlockUse.Required, [new("path", "path DIR", 1, 1) { Repeatable = false }]),
            ];
        }
    }

    /// <summary>Each feature directive with the factory that owns it; a factory whose list cannot be read owns nothing.</summary>
    private static IEnumerable<(DirectiveSpec Spec, IStreamFeatureFactory Factory)> FeatureSpecs(IReadOnlyList<IStreamFeatureFactory> factories)
    {
        foreach (var f in factories)
        {
            IReadOnlyList<DirectiveSpec> specs;
            try { specs = f.Directives ?? []; }
            catch (Exception e) when (e is not OutOfMemoryException) { continue; }
            foreach (var spec in specs) yield return (spec, f);
        }
    }

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var factories = contributions.All<IMediaSourceFactory>();
        var featureFactories = FeatureSpecs(contributions.All<IStreamFeatureFactory>()).ToDictionary(f => f.Spec.Name, f => f.Factory, StringComparer.Ordinal);
        var features = new List<FeatureOptions>();
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var prefixes = new Dictionary<(string, string), SourceLocation>();
        var streams = new List<StreamOptions>();
        var live = new List<LiveOptions>();
        var files = new List<FileVodOptions>();
        foreach (var d in directives)
        {
            var nameArg = d.Arguments[0];
            if (!StreamNames.IsValid(nameArg, out var why))
            {
                diag.Error(nameArg.Location, $"'{d.Name}' expects a name: {why}, got '{nameArg.Text}'");
                continue;
            }
            var name = nameArg.Value;
            switch (d.Name)
            {
                case "stream" or "ondemand":
                    if (names.TryGetValue(name, out var first))
                    {
                        diag.Error(nameArg.Location, $"duplicate stream '{name}' (first at {first.Line}:{first.Column})");
                        continue;
                    }
                    names[name] = nameArg.Location;
                    if (BindStream(d, name, factories, context, featureFactories.Keys.ToHashSet()) is { } s)
                    {
                        streams.Add(s);
                        features.AddRange(BindFeatures(d, name, s.Kind == StreamKind.OnDemand ? StreamBlockKind.OnDemand : StreamBlockKind.Stream, featureFactories, context));
                    }
                    break;
                case "live" or "file":
                    if (prefixes.TryGetValue((d.Name, name), out var firstPrefix))
                    {
                        diag.Error(nameArg.Location, $"duplicate '{d.Name} {name}' (first at {firstPrefix.Line}:{firstPrefix.Column})");
                        continue;
                    }
                    prefixes[(d.Name, name)] = nameArg.Location;
                    if (d.Name == "live")
                    {
                        if (BindLive(d, name, diag, featureFactories.Keys.ToHashSet()) is { } l)
                        {
                            live.Add(l);
                            features.AddRange(BindFeatures(d, name, StreamBlockKind.Live, featureFactories, context));
                        }
                    }
                    else if (BindFile(d, name, context) is { } f) files.Add(f);
                    break;
            }
        }
        return new StreamsOptions { Streams = new(streams), Live = new(live), Files = new(files), Features = new(features) };
    }

    /// <summary>The block's feature directives, each checked by the factory that owns it.</summary>
    private static List<FeatureOptions> BindFeatures(ConfigDirective block, string name, StreamBlockKind kind,
        Dictionary<string, IStreamFeatureFactory> factories, ConfigBindContext context)
    {
        var bound = new List<FeatureOptions>();
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in block.Block ?? [])
        {
            if (!factories.TryGetValue(c.Name, out var factory)) continue;
            var rank = ranks[c.Name] = ranks.GetValueOrDefault(c.Name) + 1;
            var feature = new FeatureOptions(factory.Name, BlockKey(block.Name, name), kind, name, rank, c);
            var reported = new DiagnosticList();
            try
            {
                factory.Validate(new StreamFeatureContext
                {
                    StreamName = name, Block = kind, Directive = c, Spec = string.Join(" ", c.Arguments.Select(a => a.Text)),
                    Location = c.Location, Options = c.Block ?? [], Diagnostics = reported, ConfigDirectory = context.ConfigDirectory,
                    Services = context.Services,
                    Time = context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System,
                });
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reported.Error(c.Location, $"{factory.Name} failed to check it: {e.GetType().Name}: {e.Message}");
            }
            foreach (var item in reported.Items)
            {
                if (item.Severity == DiagnosticSeverity.Error) context.Diagnostics.Error(item.Location, item.Message);
                else context.Diagnostics.Warning(item.Location, item.Message);
            }
            if (!reported.HasErrors) bound.Add(feature);
        }
        return bound;
    }

    /// <summary>The block a feature belongs to, as <see cref="StreamOptions.FeatureBlock"/> names it.</summary>
    public static string BlockKey(string directive, string name) => directive + " " + name;

    /// <summary>The block's text without its feature directives: what a change of restarts the source.</summary>
    private static string SourceText(ConfigDirective d, IReadOnlySet<string> features) =>
        d with { Block = d.Block?.Where(c => !features.Contains(c.Name)).ToArray() } is var trimmed ? trimmed.Text : d.Text;

    private static StreamOptions? BindStream(ConfigDirective d, string name, IReadOnlyList<IMediaSourceFactory> factories, ConfigBindContext context,
        IReadOnlySet<string> features)
    {
        var diag = context.Diagnostics;
        var ok = true;
        var kind = d.Name == "ondemand" ? StreamKind.OnDemand : StreamKind.Stream;
        var inputs = new List<InputOptions>();
        var options = new StreamOptions
        {
            Name = name, Kind = kind, Inputs = ValueList<InputOptions>.Empty, Text = SourceText(d, features), FeatureBlock = BlockKey(d.Name, name),
        };
        foreach (var c in d.Block!)
        {
            switch (c.Name)
            {
                case "input" or "url":
                    if (BindInput(c, name, factories, context) is { } input) inputs.Add(input);
                    else ok = false;
                    break;
                case "source_timeout":
                    if (PositiveDuration(c, diag) is { } st) options = options with { SourceTimeout = st };
                    else ok = false;
                    break;
                case "clients_timeout":
                    if (kind == StreamKind.Stream) diag.Warning(c.Location, "'clients_timeout' only applies to 'ondemand' streams; ignored");
                    else if (PositiveDuration(c, diag) is { } ct) options = options with { ClientsTimeout = ct };
                    else ok = false;
                    break;
                case "retry_limit":
                    if (c.Int(diag, 0, 1, 1_000_000, "a number of attempts") is { } limit) options = options with { RetryLimit = limit };
                    else ok = false;
                    break;
                case "title":
                    options = options with { Title = string.Join(" ", c.Arguments.Select(a => a.IsKeyValue ? a.Text : a.Value)) };
                    break;
                case "segment_duration":
                    if (SegmentLength(c, diag) is { } length) options = options with { SegmentDuration = length };
                    else ok = false;
                    break;
                case "segment_count":
                    if (c.Int(diag, 0, MinSegmentCount, MaxSegmentCount, "a number of segments") is { } count) options = options with { SegmentCount = count };
                    else ok = false;
                    break;
                case "backup":
                    if (BindBackup(c, name, factories, context) is { } backup) options = options with { Backup = backup };
                    else ok = false;
                    break;
                case "cluster_ingest":
                    if (BindClusterIngest(c, diag) is { } cluster) options = options with { ClusterIngest = cluster };
                    else ok = false;
                    break;
            }
        }
        if (inputs.Count == 0 && ok)
        {
            diag.Error(d.Location, $"'{d.Name} {name}' needs at least one 'input URL;'");
            return null;
        }
        if (inputs.Any(i => i.IsPublish) && (inputs.Count > 1 || kind == StreamKind.OnDemand))
        {
            diag.Error(d.Location, $"'{d.Name} {name}': 'publish://' is allowed only as the single input of a 'stream' in this build");
            return null;
        }
        if (options.ClusterIngest is not null && inputs.Any(i => i.IsPublish))
        {
            diag.Error(d.Children("cluster_ingest").First().Location, $"'cluster_ingest' of '{d.Name} {name}': a published stream is captured where its publisher sends it");
            return null;
        }
        if (options.Backup is not null && inputs.Any(i => i.IsPublish))
        {
            diag.Warning(d.Children("backup").First().Location, $"'backup' of '{d.Name} {name}' is not played for a published stream in this build; ignored");
            options = options with { Backup = null };
        }
        return ok ? options with { Inputs = new(inputs) } : null;
    }

    private static InputOptions? BindInput(ConfigDirective c, string stream, IReadOnlyList<IMediaSourceFactory> factories, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var urlArg = c.Arguments[0];
        if (urlArg.IsKeyValue || !InputUrls.TryParse(urlArg.Value, out var url))
        {
            diag.Error(urlArg.Location, $"'{c.Name}' expects an absolute URL such as udp://239.0.0.1:1234 or file://vod/movie.mp4, got '{urlArg.Text}'");
            return null;
        }
        var options = new List<ConfigDirective>();
        foreach (var a in c.Arguments.Skip(1))
        {
            if (!a.IsKeyValue)
            {
                diag.Error(a.Location, $"'{c.Name}' expects key=value options after the URL, got '{a.Text}'");
                return null;
            }
            options.Add(new ConfigDirective(a.Key!, [new ConfigArgument(null, [string.Join(",", a.Values)], a.Quoted, a.Location)], null, a.Location));
        }
        var input = new InputOptions(urlArg.Value, url, urlArg.Location, options);
        if (input.IsPublish) return input;

        var factory = SourceFactories.Claiming(factories, url);
        if (factory is null)
        {
            var schemes = factories.SelectMany(f => f.Schemes).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
            var available = schemes.Length == 0 ? "no source plugin is loaded" : "available: " + string.Join(", ", schemes.Select(s => s + "://")) + ", publish://";
            diag.Error(urlArg.Location, $"no source reads '{url.Scheme}://' inputs ({available})");
            return null;
        }
        return ValidatedBy(factory, stream, input, urlArg.Location, $"{c.Name} {urlArg.Value}", context) ? input : null;
    }

    /// <summary>
    /// Lets the claiming source check <paramref name="input"/> (its messages prefixed with <paramref name="what"/>;
    /// a throwing source is an error at <paramref name="location"/>); true when it found no error.
    /// </summary>
    private static bool ValidatedBy(IMediaSourceFactory factory, string stream, InputOptions input, SourceLocation location, string what, ConfigBindContext context)
    {
        var checkedHere = new DiagnosticList();
        try
        {
            factory.Validate(SourceFactories.Context(stream, input, context.ConfigDirectory, checkedHere, context.Services,
                context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            checkedHere.Error(location, $"{factory.Name} failed to check it: {e.GetType().Name}: {e.Message}");
        }
        foreach (var d in checkedHere.Items)
        {
            if (d.Severity == DiagnosticSeverity.Error) context.Diagnostics.Error(d.Location, $"'{what}': {d.Message}");
            else context.Diagnostics.Warning(d.Location, $"'{what}': {d.Message}");
        }
        return !checkedHere.HasErrors;
    }

    /// <summary><c>cluster_ingest;</c> or <c>cluster_ingest capture_at=SERVER;</c> (a peer's HOST:PORT, or its host).</summary>
    private static ClusterIngestOptions? BindClusterIngest(ConfigDirective c, IConfigDiagnostics diag)
    {
        if (c.Arguments.Count == 0) return new ClusterIngestOptions(null);
        var a = c.Arguments[0];
        if (a.Key == "capture_at" && a.Values.Count == 1 && a.Value.Length > 0) return new ClusterIngestOptions(a.Value.ToLowerInvariant());
        diag.Error(a.Location, $"'cluster_ingest' expects nothing or capture_at=SERVER (a peer's HOST:PORT or host), got '{a.Text}'");
        return null;
    }

    /// <summary>Segments shorter than a second or longer than a minute make no sense for HLS.</summary>
    private static readonly TimeSpan MinSegment = TimeSpan.FromSeconds(1), MaxSegment = TimeSpan.FromSeconds(60);
    private const int MinSegmentCount = 3, MaxSegmentCount = 100; // fewer than 3 stalls players (RFC 8216, 6.3.3)

    private static TimeSpan? SegmentLength(ConfigDirective c, IConfigDiagnostics diag)
    {
        if (c.Duration(diag, 0, "a segment duration", TimeSpan.FromSeconds(1)) is not { } t) return null;
        if (t >= MinSegment && t <= MaxSegment) return t;
        diag.Error(c.Arguments[0].Location, $"'segment_duration' must be between 1 and 60 seconds, got '{c.Arguments[0].Text}'");
        return null;
    }

    /// <summary>
    /// <c>backup FILE;</c>: a path (relative to the configuration's folder) or <c>file://PATH</c>, played by
    /// the source that reads <c>file://</c> inputs. A file that is not there yet is that source's warning.
    /// </summary>
    private static BackupFile? BindBackup(ConfigDirective c, string stream, IReadOnlyList<IMediaSourceFactory> factories, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var a = c.Arguments[0];
        var text = a.Value;
        if (text.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) text = Uri.UnescapeDataString(text["file://".Length..]);
        if (a.IsKeyValue || text.Length == 0 || text.Contains('\0') || text.Contains("://", StringComparison.Ordinal))
        {
            diag.Error(a.Location, $"'backup' expects a file (a path or file://PATH), got '{a.Text}'");
            return null;
        }
        var path = Path.GetFullPath(text, context.ConfigDirectory);
        var url = new Uri(path);
        var input = new InputOptions(url.AbsoluteUri, url, a.Location, []);
        if (SourceFactories.Claiming(factories, url) is not { } factory)
        {
            diag.Error(a.Location, "'backup' needs a source that plays file:// inputs, and no loaded source plugin reads them");
            return null;
        }
return ValidatedBy(factory, stream, input, a.Location, $"backup {a.Value}", context) ? new BackupFile(path, input) : null;
    }

    private static LiveOptions? BindLive(ConfigDirective d, string prefix, IConfigDiagnostics diag, IReadOnlySet<string> features)
    {
        var timeout = StreamDefaults.SourceTimeout;
        foreach (var c in d.Children("source_timeout"))
        {
            if (PositiveDuration(c, diag) is { } t) timeout = t;
            else return null;
        }
        return new LiveOptions(prefix, timeout, SourceText(d, features));
    }

    private static FileVodOptions? BindFile(ConfigDirective d, string prefix, ConfigBindContext context)
    {
        var path = d.Children("path").FirstOrDefault();
        if (path is null)
        {
            context.Diagnostics.Error(d.Location, $"'file {prefix}' needs 'path DIR;'");
            return null;
        }
        var arg = path.Arguments[0];
        var dir = arg.Value.Length == 0 || arg.IsKeyValue || arg.Value.Contains('\0') ? null : Path.GetFullPath(arg.Value, context.ConfigDirectory);
        if (dir is null)
        {
            context.Diagnostics.Error(arg.Location, $"'path' of 'file {prefix}' expects a folder, got '{arg.Text}'");
            return null;
        }
        if (File.Exists(dir))
        {
            context.Diagnostics.Error(arg.Location, $"'path' of 'file {prefix}' must be a folder, got the file '{dir}'");
            return null;
        }
        // Like a missing input file: the folder may be mounted after the server starts; until then nothing resolves.
        if (!Directory.Exists(dir))
            context.Diagnostics.Warning(arg.Location, $"'path' of 'file {prefix}': folder '{dir}' does not exist (yet); files are served once it does");
        return new FileVodOptions(prefix, Path.TrimEndingDirectorySeparator(dir), d.Text);
    }

    private static TimeSpan? PositiveDuration(ConfigDirective c, IConfigDiagnostics diag)
    {
        if (c.Duration(diag, 0, "a duration", TimeSpan.FromSeconds(1)) is not { } t) return null;
        if (t > TimeSpan.Zero) return t;
        diag.Error(c.Arguments[0].Location, $"'{c.Name}' must be longer than zero, got '{c.Arguments[0].Text}'");
        return null;
    }
}
