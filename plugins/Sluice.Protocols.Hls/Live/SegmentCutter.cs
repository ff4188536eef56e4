using Sluice.Abstractions.Buffers;
using Sluice.Abstractions.Frames;
using Sluice.Protocols.Hls.Muxing;

namespace Sluice.Protocols.Hls.Live;

/// <summary>
/// Turns a stream's frames into HLS segments: each starts with PAT/PMT and a keyframe (video
/// keyframe when there is video, any frame for audio only) and ends at the first keyframe at least
/// <see cref="HlsOptions.TargetDuration"/> after its start, or, without keyframes, at
/// <see cref="HlsOptions.MaxSegmentDuration"/> / <see cref="HlsOptions.MaxSegmentBytes"/>. Timestamp jumps and
/// track changes close the segment and mark the next one as a discontinuity. Frames are muxed into
/// one reused pooled buffer; a finished segment is copied once into a pooled <see cref="RentedBuffer"/>.
/// Single-threaded.
/// </summary>
internal sealed class SegmentCutter(HlsOptions options, Action<CompletedSegment> onSegment, TimeProvider? clock = null) : IDisposable
{
    private const long JumpTicks = 10 * 90_000;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly TrackedMuxer _muxer = new();
    private readonly PooledBufferWriter _writer = new(256 << 10);
    private bool _open;
    private bool _started;
    private bool _discontinuity;
    private long _startDts, _lastDts, _lastInterval;
    private long _lastMainDts = long.MinValue;
    private DateTimeOffset _startClock;
    private bool _anchored;
    private long _anchorDts;
    private DateTimeOffset _anchorClock;

    /// <summary>Adds one frame (only read; the caller keeps its reference).</summary>
    public void Add(in MediaFrame frame, IReadOnlyList<TrackInfo> tracks)
    {
        var change = _muxer.Sync(tracks);
        if (change == MuxerChange.Recreated && _open)
        {
            Close(EndOfLastFrame);
            _discontinuity = true;
        }
        if (_muxer.Muxer is null) return;

        var cutPoint = frame.IsKeyframe && (!_muxer.HasVideo || frame.Kind == MediaKind.Video);
        if (_open)
        {
            var jumped = frame.Dts < _lastDts - JumpTicks || frame.Dts > _lastDts + JumpTicks;
            if (jumped)
            {
                Close(EndOfLastFrame);
                _discontinuity = true;
                _lastMainDts = long.MinValue;
            }
            else if (cutPoint && frame.Dts - _startDts >= options.TargetTicks)
            {
                Close(frame.Dts);
            }
            else if (frame.Dts - _startDts >= options.MaxSegmentTicks || _writer.WrittenCount >= options.MaxSegmentBytes)
            {
                Close(frame.Dts);
                Open(in frame);
            }
        }
        if (!_open)
        {
            if (!cutPoint) return;
            if (!_started && _muxer.ShouldWaitForTracks(frame.Dts)) return;
            _started = true;
            Open(in frame);
        }

        if (!_muxer.Write(in frame, _writer)) return;
        _lastDts = Math.Max(_lastDts, frame.Dts);
        // The frame interval of the main track (video, else audio) estimates the duration of the last frame.
        if (frame.Kind == MediaKind.Video || !_muxer.HasVideo)
        {
            if (frame.Dts > _lastMainDts && _lastMainDts != long.MinValue) _lastInterval = Math.Min(frame.Dts - _lastMainDts, 90_000);
            _lastMainDts = frame.Dts;
        }
    }

    /// <summary>Ends the segment in progress (end of stream).</summary>
    public void Finish()
    {
        if (_open) Close(EndOfLastFrame);
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Where the last frame of the main track ends (its DTS plus the usual frame interval).</summary>
    private long EndOfLastFrame => (_lastMainDts == long.MinValue ? _lastDts : _lastMainDts) + _lastInterval;

    private void Open(in MediaFrame frame)
    {
        _writer.Clear();
        // The muxer writes PAT/PMT before every video keyframe itself; audio-only segments need them here.
        if (!(frame.IsKeyframe && frame.Kind == MediaKind.Video)) _muxer.Muxer!.WriteTables(_writer);
        _open = true;
        _startDts = frame.Dts;
        _lastDts = frame.Dts;
        _startClock = ClockOf(frame.Dts);
    }

    private void Close(long endDts)
    {
        _open = false;
        if (_writer.WrittenCount == 0) return;
        var duration = Math.Max(endDts - _startDts, 1);
        onSegment(new CompletedSegment(RentedBuffer.CopyOf(_writer.WrittenSpan), duration, _startClock, _discontinuity));
        _discontinuity = false;
        _writer.Clear();
    }

    /// <summary>Wall clock of a DTS: anchored once and followed by DTS, re-anchored when they drift apart (timeline jumps).</summary>
    private DateTimeOffset ClockOf(long dts)
    {
        var now = _clock.GetUtcNow();
        if (_anchored)
        {
            var estimate = _anchorClock + Timestamps.ToTimeSpan(dts - _anchorDts);
            if ((estimate - now).Duration() < TimeSpan.FromSeconds(30)) return estimate;
        }
        _anchored = true;
        _anchorDts = dts;
        _anchorClock = now;
        return now;
    }
}
