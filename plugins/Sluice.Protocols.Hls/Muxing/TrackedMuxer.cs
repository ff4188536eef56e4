using System.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;

namespace Sluice.Protocols.Hls.Muxing;

/// <summary>What <see cref="TrackedMuxer.Sync"/> had to do.</summary>
internal enum MuxerChange { None, Updated, Recreated }

/// <summary>
/// A <see cref="TsMuxer"/> that follows a reader's tracks: new parameter sets update it, a different
/// set of tracks replaces it (a discontinuity for the viewer). Tracks MPEG-TS cannot carry, and AAC
/// tracks whose configuration is not known yet, are left out.
/// </summary>
internal sealed class TrackedMuxer
{
    private IReadOnlyList<TrackInfo>? _source;
    private TrackInfo[] _muxed = [];

    public TsMuxer? Muxer { get; private set; }

    /// <summary>True when the muxed tracks include video (segments and viewers then start at video keyframes).</summary>
    public bool HasVideo { get; private set; }

    /// <summary>False while a track the muxer could carry still lacks its configuration (AAC before its first frame).</summary>
    public bool Complete { get; private set; }

    /// <summary>
    /// Whether a viewer should hold back its start at this frame: some track is not configured yet and
    /// <see cref="ConfigurationWaitTicks"/> of stream time have not passed, so starting now would soon
    /// need a new muxer (and a discontinuity) when that track appears.
    /// </summary>
    public bool ShouldWaitForTracks(long dts)
    {
        if (Complete) return false;
        if (_waitSince == long.MinValue) _waitSince = dts;
        return dts - _waitSince < ConfigurationWaitTicks;
    }

    /// <summary>How long a start waits for unconfigured tracks (2 s).</summary>
    public const long ConfigurationWaitTicks = 2 * 90_000;

    private long _waitSince = long.MinValue;

    /// <summary>Brings the muxer in line with <paramref name="tracks"/>; cheap when nothing changed.</summary>
    public MuxerChange Sync(IReadOnlyList<TrackInfo> tracks)
    {
        if (ReferenceEquals(tracks, _source)) return MuxerChange.None;
        _source = tracks;
        Complete = true;
        foreach (var track in tracks)
        {
            if (TsMuxer.CanCarry(track.Codec) && !Carries(track)) Complete = false;
        }
        if (SameRecords(tracks)) return MuxerChange.None;

        if (SameTrackSet(tracks))
        {
            var index = 0;
            foreach (var track in tracks)
            {
                if (!Carries(track)) continue;
                if (!ReferenceEquals(_muxed[index], track) && _muxed[index] != track) Muxer!.UpdateTrack(track);
                _muxed[index++] = track;
            }
            return MuxerChange.Updated;
        }

        if (_muxed.Length == 0 && Muxer is null && !AnyCarried(tracks)) return MuxerChange.None; // still nothing to mux
        _muxed = tracks.Where(Carries).ToArray();
        HasVideo = _muxed.Any(t => t.Kind == MediaKind.Video);
        try
        {
            Muxer = _muxed.Length == 0 ? null : new TsMuxer(_muxed);
        }
        catch (ArgumentException)
        {
            Muxer = null;
        }
        return MuxerChange.Recreated;
    }

    /// <summary>Writes a frame of a muxed track; false for frames of other tracks.</summary>
    public bool Write(in MediaFrame frame, IBufferWriter<byte> output) => Muxer is { } muxer && muxer.WriteFrame(in frame, output);

    private static bool Carries(TrackInfo track) =>
        TsMuxer.CanCarry(track.Codec) && (track.Codec != CodecId.Aac || track.Audio is { SampleRate: > 0 });

    private static bool AnyCarried(IReadOnlyList<TrackInfo> tracks)
    {
        foreach (var track in tracks)
        {
            if (Carries(track)) return true;
        }
        return false;
    }

    private bool SameRecords(IReadOnlyList<TrackInfo> tracks)
    {
        var index = 0;
        foreach (var track in tracks)
        {
            if (!Carries(track)) continue;
            if (index >= _muxed.Length || !ReferenceEquals(_muxed[index], track)) return false;
            index++;
        }
        return index == _muxed.Length && Muxer is not null;
    }

    private bool SameTrackSet(IReadOnlyList<TrackInfo> tracks)
    {
        if (Muxer is null) return false;
        var index = 0;
        foreach (var track in tracks)
        {
            if (!Carries(track)) continue;
            if (index >= _muxed.Length || _muxed[index].TrackId != track.TrackId || _muxed[index].Codec != track.Codec) return false;
            index++;
        }
        return index == _muxed.Length;
    }
}
