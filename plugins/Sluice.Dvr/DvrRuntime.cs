using Microsoft.Extensions.Logging;
using Sluice.Dvr.Archive;

namespace Sluice.Dvr;

/// <summary>What every part of one load of the plugin shares: settings, clock, events, open archives, the features in force.</summary>
internal sealed class DvrRuntime(DvrSettings settings, DvrEvents events, ILoggerFactory loggers, TimeProvider time)
{
    public DvrSettings Settings { get; } = settings;
    public DvrEvents Events { get; } = events;
    public ILoggerFactory Loggers { get; } = loggers;
    public TimeProvider Time { get; } = time;
    public ArchiveStore Store { get; } = new(events, loggers, time);
    public DvrCatalog Catalog { get; } = new();
}

/// <summary>The archives open now, one per folder, shared (counted) by the features that name it.</summary>
internal sealed class ArchiveStore(DvrEvents events, ILoggerFactory loggers, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (StreamArchive Archive, int Users)> _open = new(StringComparer.Ordinal);

    public StreamArchive Open(string name, string folder, RetentionPolicy policy)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(folder, out var entry))
            {
                entry.Archive.Policy = policy;
                _open[folder] = (entry.Archive, entry.Users + 1);
                return entry.Archive;
            }
            var archive = new StreamArchive(name, folder, policy, events, loggers.CreateLogger("Sluice.Dvr." + name), time);
            _open[folder] = (archive, 1);
            return archive;
        }
    }

    public void Release(StreamArchive archive)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(archive.Folder, out var entry)) return;
            if (entry.Users <= 1) _open.Remove(archive.Folder);
            else _open[archive.Folder] = (entry.Archive, entry.Users - 1);
        }
    }

    public StreamArchive[] All
    {
        get { lock (_gate) return _open.Values.Select(e => e.Archive).ToArray(); }
    }
}

/// <summary>The <c>dvr</c> features in force, to find the archive a playback URL names.</summary>
internal sealed class DvrCatalog
{
    private readonly Lock _gate = new();
    private readonly List<DvrFeature> _features = [];

    public void Add(DvrFeature feature)
    {
        lock (_gate) _features.Add(feature);
    }

    public void Remove(DvrFeature feature)
    {
        lock (_gate) _features.Remove(feature);
    }

    /// <summary>
    /// The archive of stream <paramref name="name"/>: its own block's directive first (the newest one when a
    /// replaced directive is still there), else a <c>live</c> prefix; null when no <c>dvr</c> covers it.
    /// </summary>
    public (DvrFeature Feature, StreamArchive? Archive)? Find(string name)
    {
        DvrFeature[] features;
        lock (_gate) features = [.. _features];
        var feature = features.LastOrDefault(f => f.Kind != Abstractions.Streams.StreamBlockKind.Live && f.Covers(name))
                      ?? features.LastOrDefault(f => f.Covers(name));
        return feature is null ? null : (feature, feature.ArchiveFor(name, create: false));
    }
}
