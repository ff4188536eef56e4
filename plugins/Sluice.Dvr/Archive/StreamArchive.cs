using Microsoft.Extensions.Logging;

namespace Sluice.Dvr.Archive;

/// <summary>
/// How long and how much of a stream's archive is kept; swapped whole when <c>dvr</c>'s DEPTH or SIZE change.
/// <see cref="DiskPercent"/>: the share of its disk above which the oldest fragments go.
/// </summary>
internal sealed record RetentionPolicy(TimeSpan Depth, long? SizeLimit, int? DiskPercent = null);

/// <summary>
/// One stream's archive: its folder (<c>PATH/NAME</c>), the index rebuilt from it when opened, retention,
/// who records into it (one recorder at a time) and what playback holds on to. Shared by every feature
/// that names the same folder (a replaced directive hands it over without a second scan).
/// </summary>
internal sealed class StreamArchive
{
    private readonly DvrEvents _events;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<Lease> _leases = [];
    private object? _recorder;
    private volatile RetentionPolicy _policy;

    public StreamArchive(string name, string folder, RetentionPolicy policy, DvrEvents events, ILogger log, TimeProvider time)
    {
        Name = name;
        Folder = folder;
        _policy = policy;
        _events = events;
        _log = log;
        _time = time;
        Ready = Task.Run(Open);
    }

    public string Name { get; }

    /// <summary>The stream's folder, <c>PATH/NAME</c>.</summary>
    public string Folder { get; }

    public ArchiveIndex Index { get; } = new();

    /// <summary>Completes when the index was rebuilt from the folder (and retention ran once).</summary>
    public Task Ready { get; }

    public RetentionPolicy Policy
    {
        get => _policy;
        set => _policy = value;
    }

    /// <summary>Whether a recorder writes into the archive now.</summary>
    public bool Recording => Volatile.Read(ref _recorder) is not null;

    /// <summary>Frames the recorders of this archive could not take in time (the stream dropped them for the DVR).</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    private long _droppedFrames;

    public void CountDropped(long frames) => Interlocked.Add(ref _droppedFrames, frames);

    /// <summary>The last write error while it lasts, else null.</summary>
    public string? WriteError { get; set; }

    public string PathOf(Fragment f) => Path.Combine(Folder, f.RelativePath);

    /// <summary>Makes <paramref name="recorder"/> the one that writes here; the previous one (a replaced feature's) stops writing.</summary>
    public void BeginRecording(object recorder) => Volatile.Write(ref _recorder, recorder);

    public bool IsRecorder(object recorder) => ReferenceEquals(Volatile.Read(ref _recorder), recorder);

    public void EndRecording(object recorder) => Interlocked.CompareExchange(ref _recorder, null, recorder);

    /// <summary>Keeps retention off the fragments from <paramref name="fromMs"/> on while playback reads them.</summary>
    public IDisposable Hold(long fromMs)
    {
        var lease = new Lease(this, fromMs);
        lock (_gate) _leases.Add(lease);
        return lease;
    }

    private sealed class Lease(StreamArchive archive, long fromMs) : IDisposable
    {
        public long FromMs { get; } = fromMs;

        public void Dispose()
        {
            lock (archive._gate) archive._leases.Remove(this);
        }
    }

    private void Open()
    {
        var clock = _time.GetTimestamp();
        ArchiveScanner.Result scan;
        try
        {
            scan = ArchiveScanner.Scan(Folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError("dvr {Stream}: cannot read the archive in {Folder}: {Error}", Name, Folder, e.Message);
            return;
        }
        Index.Load(scan.Fragments);
        foreach (var problem in scan.Problems) _log.LogWarning("dvr {Stream}: {Problem}", Name, problem);
        var first = Index.First;
        var last = Index.Last;
        _log.LogInformation("dvr {Stream}: {Count} fragments ({Bytes} bytes) indexed from {Folder} in {Ms} ms; {Repaired} repaired, {Dropped} dropped",
            Name, Index.Count, Index.Bytes, Folder, (long)_time.GetElapsedTime(clock).TotalMilliseconds, scan.Repaired, scan.Dropped);
        _events.Indexed(Name, Index.Count, Index.Bytes, scan.Repaired, scan.Dropped, first?.StartMs, last?.EndMs);
        ApplyRetention();
    }

    /// <summary>Deletes what is older than the depth, then the oldest while the archive is over its size limit.</summary>
    public void ApplyRetention()
    {
        var policy = _policy;
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long keepFrom;
        lock (_gate) keepFrom = _leases.Count == 0 ? long.MaxValue : _leases.Min(l => l.FromMs);
        var cutoff = now - (long)policy.Depth.TotalMilliseconds;
        Delete(Index.TakeOldest((f, _) => f.EndMs <= cutoff, keepFrom), "depth");
        if (policy.SizeLimit is { } limit) Delete(Index.TakeOldest((_, bytes) => bytes > limit, keepFrom), "size");
        if (policy.DiskPercent is { } percent && DiskExcess(percent) is > 0 and var excess)
        {
            // The disk's excess comes out of this stream's oldest fragments (every stream on the disk does the
            // same at its own check, so the disk's oldest recordings go first, roughly).
            var target = Index.Bytes - excess;
            Delete(Index.TakeOldest((_, bytes) => bytes > target, keepFrom), "size");
        }
    }

    /// <summary>Bytes by which the file system holding the archive is over <paramref name="percent"/> % used; 0 when it is not (or cannot be read).</summary>
    private long DiskExcess(int percent)
    {
        try
        {
            var existing = Folder;
            while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing) ?? "/";
            var disk = new DriveInfo(existing);
            var used = disk.TotalSize - disk.AvailableFreeSpace;
            return Math.Max(0, used - disk.TotalSize / 100 * percent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _log.LogWarning("dvr {Stream}: cannot read the disk usage of {Folder}: {Error}", Name, Folder, e.Message);
            return 0;
        }
    }

    private void Delete(List<Fragment> fragments, string reason)
    {
        if (fragments.Count == 0) return;
        var folders = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var f in fragments)
        {
            var path = PathOf(f);
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("dvr {Stream}: cannot delete {Path}: {Error}", Name, path, e.Message);
            }
            bytes += f.Bytes;
            folders.Add(Path.GetDirectoryName(path)!);
        }
        foreach (var hour in folders) RemoveEmptyUpwards(hour);
        _log.LogInformation("dvr {Stream}: deleted {Count} fragments ({Bytes} bytes) by {Reason}", Name, fragments.Count, bytes, reason);
        _events.DeletedFragments(Name, fragments.Count, fragments[0].StartMs, fragments[^1].EndMs, bytes, reason);
    }

    /// <summary>Removes an hour folder left empty, then its day, month and year when they are empty too.</summary>
    private void RemoveEmptyUpwards(string hour)
    {
        var dir = hour;
        for (var level = 0; level < 4 && dir.StartsWith(Folder, StringComparison.Ordinal) && dir != Folder; level++)
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(dir).Any()) return;
                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            dir = Path.GetDirectoryName(dir)!;
        }
    }
}
