using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Streams;

namespace Sluice.Protocols.Hls.Live;

/// <summary>
/// One <see cref="LiveSegmenter"/> per stream, started by the first request (which also starts an
/// on-demand stream) and stopped after <see cref="HlsOptions.SegmenterIdleTimeout"/> without requests
/// or when its stream ends.
/// </summary>
internal sealed class LiveSegmenters(IStreamRegistry registry, HlsOptions options, ILogger log) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LiveSegmenter> _byName = new(StringComparer.Ordinal);

    // Where the numbering of a stream's stopped segmenter ended, so a new one never goes back in media sequence.
    private readonly Dictionary<string, long> _nextSequence = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_gate) return _byName.Count; }
    }

    /// <summary>The stream's running segmenter, one started now, or null when the stream is unknown.</summary>
    public LiveSegmenter? GetOrStart(string name)
    {
        LiveSegmenter? ended = null;
        LiveSegmenter? result;
        lock (_gate)
        {
            // A reload that changed segment_duration/segment_count: a new segmenter (its numbering goes on).
            if (_byName.TryGetValue(name, out var existing) && !existing.Ended && existing.Options == options.For(existing.Stream.Segments))
            {
                existing.Touch();
                return existing;
            }
            if (existing is not null)
            {
                ended = existing;
                _byName.Remove(name);
                _nextSequence[name] = existing.NextSequence;
            }
            var stream = registry.OpenForViewer(name);
            if (stream is null)
            {
                result = null;
            }
            else
            {
                _nextSequence.Remove(name, out var first);
                result = new LiveSegmenter(name, stream, options.For(stream.Segments), log, first);
                _byName[name] = result;
            }
        }
        if (ended is not null) _ = ended.DisposeAsync().AsTask();
        if (result is not null) log.LogInformation("HLS segmenter of {Stream} started", name);
        return result;
    }

    /// <summary>The running segmenter, without starting anything (segment requests).</summary>
    public LiveSegmenter? Find(string name)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue(name, out var segmenter)) return null;
            segmenter.Touch();
            return segmenter;
        }
    }

    /// <summary>Stops segmenters nobody asked for lately and those whose stream ended.</summary>
    public async Task SweepAsync()
    {
        var now = Environment.TickCount64;
        List<LiveSegmenter>? stale = null;
        lock (_gate)
        {
            foreach (var (name, segmenter) in _byName)
            {
                if (!segmenter.Ended && now - segmenter.LastAccess < options.SegmenterIdleTimeout.TotalMilliseconds) continue;
                (stale ??= []).Add(segmenter);
            }
            if (stale is not null)
            {
                foreach (var segmenter in stale)
                {
                    _byName.Remove(segmenter.Name);
                    _nextSequence[segmenter.Name] = segmenter.NextSequence;
                }
            }
        }
        if (stale is null) return;
        foreach (var segmenter in stale)
        {
            log.LogInformation("HLS segmenter of {Stream} stopped ({Reason})", segmenter.Name, segmenter.Ended ? "stream ended" : "idle");
            await segmenter.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        LiveSegmenter[] all;
        lock (_gate)
        {
            all = [.. _byName.Values];
            _byName.Clear();
        }
        foreach (var segmenter in all) await segmenter.DisposeAsync().ConfigureAwait(false);
    }
}
