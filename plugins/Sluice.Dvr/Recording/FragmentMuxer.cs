using System.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Dvr.Recording;

/// <summary>
/// The MPEG-TS muxer of a recording, following the reader's tracks: new parameter sets update it; a new set
/// of tracks (or a track whose configuration just became known) asks for a new muxer at the next fragment.
/// Every fragment starts with PAT/PMT and, on video, a keyframe carrying its parameter sets.
/// </summary>
internal sealed class FragmentMuxer
{
    private IReadOnlyList<TrackInfo>? _source;
    private TrackInfo[] _muxed = [];
    private TsMuxer? _muxer;

    /// <summary>The tracks changed so that the muxer must be made again (at the next fragment).</summary>
    public bool Stale { get; private set; }

    public bool HasVideo { get; private set; }

    /// <summary>Whether every track the muxer could carry has its configuration (AAC's rate is known).</summary>
    public static bool Complete(IReadOnlyList<TrackInfo> tracks) => tracks.All(t => !TsMuxer.CanCarry(t.Codec) || Carries(t));

    /// <summary>Starts a fragment: a new muxer when needed, then the tables.</summary>
    public bool StartFragment(IReadOnlyList<TrackInfo> tracks, IBufferWriter<byte> output, bool firstIsVideoKeyframe)
    {
        if (_muxer is null || Stale || !ReferenceEquals(tracks, _source)) Sync(tracks, force: Stale);
        if (_muxer is null) return false;
        if (!firstIsVideoKeyframe) _muxer.WriteTables(output); // a video keyframe brings them itself
        return true;
    }

    public bool Write(in MediaFrame frame, IReadOnlyList<TrackInfo> tracks, IBufferWriter<byte> output)
    {
        if (!ReferenceEquals(tracks, _source)) Sync(tracks, force: false);
        return _muxer is { } muxer && muxer.WriteFrame(in frame, output);
    }

    private void Sync(IReadOnlyList<TrackInfo> tracks, bool force)
    {
        _source = tracks;
        var carried = tracks.Where(Carries).ToArray();
        var sameSet = !force && _muxer is not null && carried.Length == _muxed.Length
            && carried.Zip(_muxed).All(p => p.First.TrackId == p.Second.TrackId && p.First.Codec == p.Second.Codec);
        if (sameSet)
        {
            for (var i = 0; i < carried.Length; i++)
            {
                if (carried[i] != _muxed[i]) _muxer!.UpdateTrack(carried[i]);
            }
            _muxed = carried;
            return;
        }
        if (_muxer is not null && !force)
        {
            Stale = true; // keep writing the known tracks until the next fragment
            return;
        }
        Stale = false;
        _muxed = carried;
        HasVideo = carried.Any(t => t.Kind == MediaKind.Video);
        try
        {
            _muxer = carried.Length == 0 ? null : new TsMuxer(carried);
        }
        catch (ArgumentException)
        {
            _muxer = null;
        }
    }

    private static bool Carries(TrackInfo t) => TsMuxer.CanCarry(t.Codec) && (t.Codec != CodecId.Aac || t.Audio is { SampleRate: > 0 });
}
