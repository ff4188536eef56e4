using Sluice.Abstractions.Frames;
using Sluice.Media.Flv;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Media;

/// <summary>
/// Turns a reader's frames into the messages of one RTMP play (or push): onMetaData and sequence headers
/// whenever the tracks change, then frames from the first video keyframe on (any frame for audio only),
/// stamped on the player's own timeline. Used under the transport's send lock.
/// </summary>
internal sealed class FlvPlayWriter(RtmpTransport transport, uint streamId)
{
    private readonly PooledWriter _body = new();
    private readonly PlayTimeline _timeline = new();
    private readonly Dictionary<int, TrackInfo> _announced = [];
    private IReadOnlyList<TrackInfo>? _tracks;
    private bool _hasVideo;
    private bool _started;
    private int _pending;

    /// <summary>Bytes written since the last <see cref="Done"/>.</summary>
    public int Pending => _pending;

    /// <summary>Writes the frame (and whatever must precede it); true once media flows.</summary>
    public bool Write(in MediaFrame frame, IReadOnlyList<TrackInfo> tracks)
    {
        if (!ReferenceEquals(tracks, _tracks)) OnTracks(tracks);
        if (!_announced.TryGetValue(frame.TrackId, out var track) || !FlvTagWriter.CanCarry(frame.Codec)) return _started;
        if (!_started)
        {
            if (_hasVideo ? frame.Kind != MediaKind.Video || !frame.IsKeyframe : !frame.IsKeyframe) return false;
            _started = true;
        }
        var ts = _timeline.Map(frame);
        _body.Reset();
        if (!FlvTagWriter.WriteFrame(frame, track, _body)) return _started;
        Send(frame.Kind == MediaKind.Video ? ChunkStreams.Video : ChunkStreams.Audio, FlvTagWriter.TagTypeOf(frame.Codec), ts);
        return true;
    }

    /// <summary>New tracks: metadata again, and the sequence header of every track whose configuration changed.</summary>
    private void OnTracks(IReadOnlyList<TrackInfo> tracks)
    {
        _tracks = tracks;
        var carried = tracks.Where(t => FlvTagWriter.CanCarry(t.Codec)).ToArray();
        _hasVideo = carried.Any(t => t.Kind == MediaKind.Video);
        var changed = carried.Where(t => !_announced.TryGetValue(t.TrackId, out var old) || old != t).ToArray();
        if (changed.Length == 0 && carried.Length == _announced.Count) return;
        _announced.Clear();
        foreach (var t in carried) _announced[t.TrackId] = t;
        transport.WriteAmf(ChunkStreams.Data, MessageType.DataAmf0, streamId, "onMetaData", FlvTagWriter.Metadata(carried));
        foreach (var t in changed)
        {
            _body.Reset();
            if (!FlvTagWriter.WriteSequenceHeader(t, _body)) continue;
            Send(t.Kind == MediaKind.Video ? ChunkStreams.Video : ChunkStreams.Audio, FlvTagWriter.TagTypeOf(t.Codec), _timeline.Now);
        }
    }

    private void Send(int chunkStream, byte type, long ts)
    {
        transport.WriteMessage(chunkStream, type, streamId, ts, _body.WrittenSpan);
        _pending += _body.WrittenCount;
    }

    /// <summary>A batch is written: the body buffer goes back to the pool (an idle player holds none).</summary>
    public void Done()
    {
        _pending = 0;
        _body.Release();
    }

    /// <summary>Gives the pooled body buffer back.</summary>
    public void Release() => _body.Release();
}
