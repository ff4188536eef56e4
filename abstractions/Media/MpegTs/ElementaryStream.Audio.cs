using System.Buffers;
using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

internal sealed partial class ElementaryStream
{
    private const int MaxAudioLeftover = 16 * 1024;
    private byte[]? _leftover;      // start of an audio frame that continues in the next PES
    private int _leftoverLength;
    private long _baseTimestamp;    // timestamp of the frame that started the current run
    private long _samplesSinceBase; // samples emitted since then (interpolation without drift)
    private bool _hasBase;

    /// <summary>Splits an audio PES payload into frames (AAC: ADTS stripped; MP3/MP2: whole frames; Opus: control header stripped).</summary>
    private void EmitAudio(ReadOnlySpan<byte> data, long? pts)
    {
        ReadOnlySpan<byte> work = data;
        var boundary = 0; // frames starting at or after this offset begin in the new PES
        if (_leftoverLength > 0)
        {
            var needed = _leftoverLength + data.Length;
            if (needed > MaxAudioLeftover + 64 * 1024)
            {
                DropAudioLeftover();
            }
            else
            {
                EnsureLeftoverCapacity(needed);
                data.CopyTo(_leftover.AsSpan(_leftoverLength));
                boundary = _leftoverLength;
                work = _leftover.AsSpan(0, needed);
            }
        }
        var ptsUsed = pts is null;
        var position = 0;
        var searching = false;
        while (work.Length - position >= 4)
        {
            if (!TryReadAudioFrame(work[position..], out var frameLength, out var headerLength, out var samples))
            {
                if (!searching) _owner.Stats.AudioSyncErrors++;
                searching = true;
                position++;
                continue;
            }
            searching = false;
            if (frameLength > work.Length - position) break;
            if (!ptsUsed && position >= boundary)
            {
                _baseTimestamp = pts!.Value;
                _samplesSinceBase = 0;
                _hasBase = true;
                ptsUsed = true;
            }
            if (_hasBase)
            {
                var rate = Track.Audio?.SampleRate ?? 0;
                var timestamp = _baseTimestamp + Timestamps.FromSamples(_samplesSinceBase, rate);
                Emit(work.Slice(position + headerLength, frameLength - headerLength), timestamp, timestamp, FrameFlags.Keyframe | (_randomAccess ? FrameFlags.RandomAccess : 0));
                _samplesSinceBase += samples;
            }
            position += frameLength;
        }
        KeepLeftover(work[position..]);
    }

    /// <summary>Reads one frame header, updating the track's audio configuration when it changes.</summary>
    private bool TryReadAudioFrame(ReadOnlySpan<byte> data, out int frameLength, out int headerLength, out int samples)
    {
        frameLength = headerLength = samples = 0;
        if (Codec == CodecId.Aac)
        {
            if (!AdtsHeader.TryParse(data, out var adts) || adts.FrameLength > AdtsHeader.MaxFrameLength) return false;
            frameLength = adts.FrameLength;
            headerLength = adts.HeaderLength;
            samples = 1024 * adts.RawDataBlocks;
            var config = adts.Config;
            var audio = Track.Audio;
            if (audio is null || audio.AudioObjectType != config.AudioObjectType || audio.SampleRate != config.SampleRate
                || audio.Channels != config.Channels)
            {
                UpdateTrack(Track with
                {
                    Audio = new AudioConfig
                    {
                        SampleRate = config.SampleRate,
                        Channels = config.Channels,
                        SamplesPerFrame = 1024,
                        AudioObjectType = config.AudioObjectType,
                        AudioSpecificConfig = config.ToAudioSpecificConfig(),
                    },
                });
            }
            return true;
        }
        if (Codec == CodecId.Opus)
        {
            if (!OpusPacket.TryParseControlHeader(data, out headerLength, out var packetSize)) return false;
            frameLength = headerLength + packetSize;
            samples = frameLength <= data.Length ? OpusPacket.SamplesIn(data.Slice(headerLength, packetSize)) : 0;
            return true;
        }
        if (!MpegAudioHeader.TryParse(data, out var mpeg)) return false;
        frameLength = mpeg.FrameLength;
        headerLength = 0; // MP3/MP2 frames keep their header
        samples = mpeg.SamplesPerFrame;
        var codec = mpeg.Layer == 3 ? CodecId.Mp3 : CodecId.Mp2;
        var current = Track.Audio;
        if (current is null || Codec != codec || current.SampleRate != mpeg.SampleRate || current.Channels != mpeg.Channels)
        {
            UpdateTrack(Track with
            {
                Codec = codec,
                Audio = new AudioConfig { SampleRate = mpeg.SampleRate, Channels = mpeg.Channels, SamplesPerFrame = mpeg.SamplesPerFrame },
            });
        }
        return true;
    }

    private void KeepLeftover(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty || rest.Length > MaxAudioLeftover)
        {
            _leftoverLength = 0;
            return;
        }
        EnsureLeftoverCapacity(rest.Length);
        rest.CopyTo(_leftover); // may overlap when rest lives in _leftover: CopyTo is memmove
        _leftoverLength = rest.Length;
    }

    private void EnsureLeftoverCapacity(int needed)
    {
        if (_leftover is not null && _leftover.Length >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
        if (_leftover is not null)
        {
            _leftover.AsSpan(0, _leftoverLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_leftover);
        }
        _leftover = bigger;
    }

    private void DropAudioLeftover()
    {
        _leftoverLength = 0;
        _hasBase = false;
    }

    private void ReturnAudioLeftover()
    {
        var leftover = Interlocked.Exchange(ref _leftover, null);
        if (leftover is not null) ArrayPool<byte>.Shared.Return(leftover);
        _leftoverLength = 0;
    }
}
