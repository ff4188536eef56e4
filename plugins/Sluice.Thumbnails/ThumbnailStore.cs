using System.Collections.Concurrent;

namespace Sluice.Thumbnails;

/// <summary>The newest thumbnail of each stream, what <c>/NAME/preview.jpg</c> serves. Kept while the stream is down.</summary>
internal sealed class ThumbnailStore
{
    private readonly ConcurrentDictionary<string, Thumbnail> _newest = new(StringComparer.Ordinal);

    public Thumbnail? Newest(string stream) => _newest.GetValueOrDefault(stream);

    public void Put(string stream, Thumbnail thumbnail) => _newest[stream] = thumbnail;

    /// <summary>The stream's feature went away (the directive or the stream was removed).</summary>
    public void Forget(string stream) => _newest.TryRemove(stream, out _);
}
