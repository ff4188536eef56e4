using Sluice.Abstractions.Frames;

namespace Sluice.Host.Streams;

/// <summary>
/// The frames since the last keyframe (retained), so a new reader starts with a picture at once.
/// Bounded by count and bytes: past a limit it empties and waits for the next keyframe.
/// Used under the stream's lock.
/// </summary>
internal sealed class GopCache(int maxFrames, long maxBytes)
{
    private readonly List<MediaFrame> _frames = [];
    private long _bytes;

    public IReadOnlyList<MediaFrame> Frames => _frames;

    public void Add(in MediaFrame frame, bool resetPoint)
    {
        if (resetPoint) Clear();
        else if (_frames.Count == 0) return; // nothing to decode from until a keyframe
        if (_frames.Count >= maxFrames || _bytes + frame.Payload.Length > maxBytes)
        {
            Clear();
            return;
        }
        _frames.Add(frame.Retain());
        _bytes += frame.Payload.Length;
    }

    public void Clear()
    {
        foreach (var f in _frames) f.Release();
        _frames.Clear();
        _bytes = 0;
    }
}
