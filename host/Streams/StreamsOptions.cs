using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Host.Streams;

/// <summary>How a stream comes to exist.</summary>
internal enum StreamKind
{
    /// <summary><c>stream NAME { }</c>: started with the server, kept alive.</summary>
    Stream,
    /// <summary><c>ondemand NAME { }</c>: started by the first viewer, stopped after <c>clients_timeout</c> without one.</summary>
    OnDemand,
    /// <summary>Created by a publisher under a <c>live PREFIX</c> (or a stream whose input is <c>publish://</c>).</summary>
    Published,
}

/// <summary>
/// One <c>input URL [key=value...];</c> of a stream: the URL where it was written and the <c>key=value</c>
/// words as one-argument directives at their own locations (what a source factory reads).
/// </summary>
internal sealed record InputOptions(string UrlText, Uri Url, SourceLocation Location, IReadOnlyList<ConfigDirective> Options)
{
    public static readonly InputOptions Publish = new("publish://", new Uri("publish://"), default, []);

    /// <summary><c>publish://</c>: the stream waits for a publisher instead of reading a source.</summary>
    public bool IsPublish => Url.Scheme.Equals("publish", StringComparison.OrdinalIgnoreCase);

    /// <summary>The options as written, canonically.</summary>
    private string OptionsText => string.Join(" ", Options.Select(o => o.Text));

    /// <summary>The same input means the same URL and options, wherever they were written.</summary>
    public bool Equals(InputOptions? other) =>
        other is not null && UrlText == other.UrlText && OptionsText == other.OptionsText;

    public override int GetHashCode() => HashCode.Combine(UrlText, OptionsText);

    /// <summary>The URL as events, logs and the API show it: userinfo and secret query values masked.</summary>
    public string DisplayUrl => SecretText.Redact(UrlText);
}

/// <summary>A <c>stream</c> or <c>ondemand</c> block. <see cref="Text"/> is its canonical spelling, for reload diffs.</summary>
internal sealed record StreamOptions
{
    public required string Name { get; init; }
    public required StreamKind Kind { get; init; }

    /// <summary>Inputs in the order they are tried (the first is the primary).</summary>
    public required ValueList<InputOptions> Inputs { get; init; }

    /// <summary><c>source_timeout</c>: silence after which frames count as timed out, and again after which the source is dropped.</summary>
    public TimeSpan SourceTimeout { get; init; } = StreamDefaults.SourceTimeout;

    /// <summary><c>clients_timeout</c> (ondemand): how long an unwatched stream keeps running.</summary>
    public TimeSpan ClientsTimeout { get; init; } = StreamDefaults.ClientsTimeout;

    /// <summary><c>retry_limit</c>: failed attempts in a row before the stream gives up (null: never).</summary>
    public int? RetryLimit { get; init; }

    /// <summary><c>title</c>: the stream's human name, shown in the API.</summary>
    public string? Title { get; init; }

    /// <summary><c>segment_duration</c>: target length of HLS segments (null: the protocol's default).</summary>
    public TimeSpan? SegmentDuration { get; init; }

    /// <summary><c>segment_count</c>: segments listed in a live playlist (null: the protocol's default).</summary>
    public int? SegmentCount { get; init; }

    /// <summary><c>backup FILE</c>: played while every input is lost (null: none).</summary>
    public BackupFile? Backup { get; init; }

    /// <summary><c>cluster_ingest [capture_at=SERVER];</c>: captured only where the cluster strategy places it (null: everywhere).</summary>
    public ClusterIngestOptions? ClusterIngest { get; init; }

    /// <summary>Pulled from a <c>source HOST:PORT</c> origin for a viewer, not configured here.</summary>
    public bool IsPulled { get; init; }

    /// <summary>
    /// The block as written, canonically (comments, spacing, unsupported children and stream features
    /// ignored: a changed archive depth does not restart the source).
    /// </summary>
    public required string Text { get; init; }

    /// <summary>The block stream features attach to: <c>stream NAME</c>, <c>ondemand NAME</c>, or <c>live PREFIX</c> for a published stream.</summary>
    public string FeatureBlock { get; init; } = "";

    public bool IsPublished => Inputs.Count == 1 && Inputs[0].IsPublish;
}

/// <summary><c>cluster_ingest [capture_at=SERVER];</c> of a stream.</summary>
internal sealed record ClusterIngestOptions(string? CaptureAt);

/// <summary><c>backup FILE;</c> of a stream: the file (absolute) and the input that plays it.</summary>
internal sealed record BackupFile(string Path, InputOptions Input);

/// <summary><c>live PREFIX { }</c>: publishing to <c>PREFIX/anything</c> is allowed.</summary>
internal sealed record LiveOptions(string Prefix, TimeSpan SourceTimeout, string Text);

/// <summary><c>file PREFIX { path DIR; }</c>: files under DIR are served as <c>PREFIX/relative/path</c>.</summary>
internal sealed record FileVodOptions(string Prefix, string Directory, string Text);

/// <summary>Everything <see cref="StreamsConfigSection"/> binds.</summary>
internal sealed record StreamsOptions
{
    public static readonly StreamsOptions Empty = new();

    public ValueList<StreamOptions> Streams { get; init; } = ValueList<StreamOptions>.Empty;
    public ValueList<LiveOptions> Live { get; init; } = ValueList<LiveOptions>.Empty;
    public ValueList<FileVodOptions> Files { get; init; } = ValueList<FileVodOptions>.Empty;

    /// <summary>The stream features of every block (<c>dvr</c>, <c>push</c>...), diffed apart from the streams themselves.</summary>
    public ValueList<FeatureOptions> Features { get; init; } = ValueList<FeatureOptions>.Empty;
}

/// <summary>Defaults of stream directives (documented in docs/streams.md).</summary>
internal static class StreamDefaults
{
    public static readonly TimeSpan SourceTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ClientsTimeout = TimeSpan.FromSeconds(30);
}
