using System.Buffers;
using System.Buffers.Binary;
using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

/// <summary>
/// Writes frames as a single-program MPEG-TS: PAT/PMT at the start, at every video keyframe and
/// every <see cref="TsMuxerOptions.PsiInterval"/>; one PES per frame with PTS/DTS; PCR on the first
/// video track (or the first track); random_access_indicator on keyframes; AAC wrapped in ADTS.
/// Packets go straight into the caller's <see cref="IBufferWriter{T}"/>, 188 bytes at a time.
/// Not thread-safe: one writer at a time.
/// </summary>
public sealed partial class TsMuxer
{
    private readonly MuxTrack[] _tracks;
    private readonly MuxTrack _pcrTrack;
    private readonly bool _hasVideo;
    private int _patContinuity, _pmtContinuity;
    private bool _psiWritten;
    private long _lastPsiDts;
    private byte[] _prefix = new byte[256];

    /// <summary>
    /// Creates a muxer for <paramref name="tracks"/> (H.264, H.265, AAC, MP3, MP2, Opus). Throws
    /// <see cref="ArgumentException"/> for a codec MPEG-TS cannot carry here (see <see cref="CanCarry"/>)
    /// or an AAC track without a configuration.
    /// </summary>
    public TsMuxer(IReadOnlyList<TrackInfo> tracks, TsMuxerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        Options = options ?? new TsMuxerOptions();
        if (tracks.Count == 0) throw new ArgumentException("A transport stream needs at least one track.", nameof(tracks));
        if (tracks.Count > 16) throw new ArgumentException("At most 16 tracks fit the PMT this muxer writes.", nameof(tracks));
        if (Options.PmtPid is < 0x10 or > 0x1FFE || Options.FirstTrackPid is < 0x10 || Options.FirstTrackPid + tracks.Count > 0x1FFF)
        {
            throw new ArgumentException("PIDs must lie between 0x10 and 0x1FFE.", nameof(options));
        }
        _tracks = new MuxTrack[tracks.Count];
        for (var i = 0; i < tracks.Count; i++)
        {
            var pid = Options.FirstTrackPid + i;
            if (pid == Options.PmtPid) throw new ArgumentException("A track PID collides with the PMT PID.", nameof(options));
            _tracks[i] = new MuxTrack(tracks[i], pid);
        }
        _pcrTrack = Array.Find(_tracks, t => t.Info.Kind == MediaKind.Video) ?? _tracks[0];
        _hasVideo = _pcrTrack.Info.Kind == MediaKind.Video;
    }

    /// <summary>The settings in use.</summary>
    public TsMuxerOptions Options { get; }

    /// <summary>Transport packets written so far.</summary>
    public long PacketsWritten { get; private set; }

    /// <summary>Whether the muxer can carry <paramref name="codec"/> (H.264, H.265, AAC, MP3, MP2, Opus mono/stereo).</summary>
    public static bool CanCarry(CodecId codec) => codec is CodecId.H264 or CodecId.H265 or CodecId.Aac or CodecId.Mp3 or CodecId.Mp2 or CodecId.Opus;

    /// <summary>PID assigned to a track, or -1 when the muxer does not know the track.</summary>
    public int GetPid(int trackId) => FindTrack(trackId)?.Pid ?? -1;

    /// <summary>Replaces a track's configuration (new parameter sets, AAC config); the codec must stay the same.</summary>
    public void UpdateTrack(TrackInfo track)
    {
        ArgumentNullException.ThrowIfNull(track);
        var existing = FindTrack(track.TrackId) ?? throw new ArgumentException($"Track {track.TrackId} is not muxed.", nameof(track));
        if (existing.Info.Codec != track.Codec) throw new ArgumentException($"Track {track.TrackId} cannot change codec in a running stream.", nameof(track));
        existing.Update(track);
    }

    /// <summary>Writes PAT and PMT now (for example at the start of an HLS segment).</summary>
    public void WriteTables(IBufferWriter<byte> output)
    {
        WritePat(output);
        WritePmt(output);
        _psiWritten = true;
    }

    /// <summary>
    /// Writes one frame. Returns false (and writes nothing) for a track the muxer was not created
    /// with or an empty payload. The frame is only read: the caller keeps its reference.
    /// </summary>
    public bool WriteFrame(in MediaFrame frame, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var track = FindTrack(frame.TrackId);
        if (track is null || frame.Payload.Length == 0) return false;

        var tablesDue = !_psiWritten
            || (frame.IsKeyframe && track.Info.Kind == MediaKind.Video)
            || frame.Dts - _lastPsiDts >= Options.PsiInterval
            || frame.Dts < _lastPsiDts;
        if (tablesDue)
        {
            WriteTables(output);
            _lastPsiDts = frame.Dts;
        }

        var payload = frame.Data;
        var prefixLength = BuildPrefix(track, in frame, ref payload);
        var withPcr = track == _pcrTrack;
        var randomAccess = frame.IsKeyframe && (track.Info.Kind == MediaKind.Video || !_hasVideo);
        WritePes(output, track, _prefix.AsSpan(0, prefixLength), payload, withPcr, randomAccess, frame.Dts);
        return true;
    }

    private MuxTrack? FindTrack(int trackId)
    {
        foreach (var track in _tracks)
        {
            if (track.Info.TrackId == trackId) return track;
        }
        return null;
    }

    /// <summary>PES header plus whatever goes in front of the payload (AUD, parameter sets, ADTS header).</summary>
    private int BuildPrefix(MuxTrack track, in MediaFrame frame, ref ReadOnlySpan<byte> payload)
    {
        var plan = PlanExtra(track, in frame, ref payload);
        var withDts = frame.Dts != frame.Pts;
        var headerDataLength = withDts ? 10 : 5;
        var total = 9 + headerDataLength + plan.Length;
        if (_prefix.Length < total) _prefix = new byte[Math.Max(total, _prefix.Length * 2)];
        var span = _prefix.AsSpan();

        span[0] = 0; span[1] = 0; span[2] = 1;
        span[3] = track.StreamId;
        var pesLength = 3 + headerDataLength + plan.Length + (long)payload.Length;
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], pesLength > ushort.MaxValue ? (ushort)0 : (ushort)pesLength);
        span[6] = 0x84; // '10' marker, data_alignment_indicator
        span[7] = withDts ? (byte)0xC0 : (byte)0x80;
        span[8] = (byte)headerDataLength;
        WriteTimestamp(span[9..], withDts ? 0x3 : 0x2, frame.Pts);
        if (withDts) WriteTimestamp(span[14..], 0x1, frame.Dts);
        var position = 9 + headerDataLength;
        WriteExtra(track, plan, payload.Length, span[position..]);
        return position + plan.Length;
    }

    private static void WriteTimestamp(Span<byte> destination, int marker, long timestamp)
    {
        var ts = timestamp & (Timestamps.WrapPeriod - 1);
        destination[0] = (byte)((marker << 4) | (int)((ts >> 29) & 0x0E) | 1);
        destination[1] = (byte)(ts >> 22);
        destination[2] = (byte)(((ts >> 14) & 0xFE) | 1);
        destination[3] = (byte)(ts >> 7);
        destination[4] = (byte)(((ts << 1) & 0xFE) | 1);
    }
}
