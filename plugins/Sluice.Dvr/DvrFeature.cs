using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Streams;
using Sluice.Dvr.Archive;
using Sluice.Dvr.Recording;

namespace Sluice.Dvr;

/// <summary>
/// One <c>dvr</c> directive of one block: the archives of its stream (or, in a <c>live</c> block, of every
/// stream published under the prefix), opened when the directive is applied so that playback works while
/// the stream is down, and a recorder attached to each run of the stream. Disposing stops recording and
/// keeps the archive on disk.
/// </summary>
internal sealed class DvrFeature : IStreamFeature
{
    private readonly DvrRuntime _runtime;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamArchive> _archives = new(StringComparer.Ordinal);
    private volatile DvrOptions _options;
    private bool _disposed;

    public DvrFeature(DvrOptions options, string block, StreamBlockKind kind, DvrRuntime runtime, ILogger log)
    {
        _options = options;
        Block = block;
        Kind = kind;
        _runtime = runtime;
        _log = log;
        if (kind == StreamBlockKind.Live) foreach (var name in ExistingLiveArchives()) ArchiveFor(name, create: true);
        else ArchiveFor(block, create: true);
        runtime.Catalog.Add(this);
    }

    /// <summary>The stream's name, or the prefix of a <c>live</c> block.</summary>
    public string Block { get; }

    public StreamBlockKind Kind { get; }

    public DvrOptions Options => _options;

    private RetentionPolicy Policy => new(_options.Depth, _options.SizeLimit, _options.DiskPercent);

    /// <summary>Whether this directive records <paramref name="name"/>.</summary>
    public bool Covers(string name) =>
        Kind == StreamBlockKind.Live ? name.Length > Block.Length + 1 && name.StartsWith(Block + "/", StringComparison.Ordinal) : name == Block;

    /// <summary>The archive of <paramref name="name"/>; null when it is not covered, or it has no folder yet and <paramref name="create"/> is false.</summary>
    public StreamArchive? ArchiveFor(string name, bool create)
    {
        if (!Covers(name)) return null;
        lock (_gate)
        {
            if (_disposed) return null;
            if (_archives.TryGetValue(name, out var open)) return open;
            var folder = Path.Combine(_options.Root, name);
            if (!create && !Directory.Exists(folder)) return null;
            var archive = _runtime.Store.Open(name, folder, Policy);
            _archives[name] = archive;
            return archive;
        }
    }

    public IAsyncDisposable Attach(IMediaStream stream)
    {
        var archive = ArchiveFor(stream.Name, create: true)
                      ?? throw new InvalidOperationException($"dvr of {Block} does not record {stream.Name}");
        var recorder = new Recorder(stream, archive, _runtime.Settings, _runtime.Events,
            _runtime.Loggers.CreateLogger("Sluice.Dvr." + stream.Name), _runtime.Time);
        recorder.Start();
        return recorder;
    }

    /// <summary>A new DEPTH or SIZE applies in place (retention runs at once); another folder needs a new feature.</summary>
    public bool TryReconfigure(StreamFeatureContext context)
    {
        if (DvrOptions.Bind(context) is not { } next || next.Root != _options.Root) return false;
        _options = next;
        StreamArchive[] archives;
        lock (_gate) archives = [.. _archives.Values];
        foreach (var archive in archives)
        {
            archive.Policy = Policy;
            _ = archive.Ready.ContinueWith(_ => archive.ApplyRetention(), TaskScheduler.Default);
        }
        _log.LogInformation("dvr {Block}: depth {Depth}, size limit {Size}", Block, next.Depth,
            next.SizeLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (next.DiskPercent is { } p ? $"{p}% of the disk" : "none"));
        return true;
    }

    /// <summary>The folders under PATH/PREFIX that hold an archive (a year folder), as stream names.</summary>
    private IEnumerable<string> ExistingLiveArchives()
    {
        var top = Path.Combine(_options.Root, Block);
        if (!Directory.Exists(top)) yield break;
        var queue = new Queue<(string Dir, int Depth)>([(top, 0)]);
        while (queue.Count > 0)
        {
            var (dir, depth) = queue.Dequeue();
            string[] children;
            try { children = Directory.GetDirectories(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (depth > 0 && children.Any(c => IsYear(Path.GetFileName(c))))
            {
                yield return Path.GetRelativePath(_options.Root, dir).Replace(Path.DirectorySeparatorChar, '/');
                continue;
            }
            if (depth < 8) foreach (var c in children) queue.Enqueue((c, depth + 1));
        }
    }

    private static bool IsYear(string name) => name.Length == 4 && name.All(char.IsAsciiDigit);

    public ValueTask DisposeAsync()
    {
        _runtime.Catalog.Remove(this);
        StreamArchive[] archives;
        lock (_gate)
        {
            _disposed = true;
            archives = [.. _archives.Values];
            _archives.Clear();
        }
        foreach (var archive in archives) _runtime.Store.Release(archive);
        return ValueTask.CompletedTask;
    }
}
