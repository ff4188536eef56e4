using System.Buffers;
using Sluice.Media.Codecs;
using Sluice.Abstractions.Frames;
using Sluice.Media.MpegTs;
using Sluice.Media.Tests.Support;

namespace Sluice.Media.Tests.MpegTs;

/// <summary>Streams written packet by packet to reach cases ffmpeg does not produce.</summary>
public sealed class HandBuiltStreamTests
{
    private const int AudioPid = 0x100;
    private static readonly AacConfig Config = new(2, 48000, 2);

    [Fact]
    public void Demuxer_Should_JoinAnAacFrameSplitAcrossTwoPes_And_TimeFramesFromTheirOwnPes()
    {
        var frames = Enumerable.Range(0, 4).Select(i => Adts(Enumerable.Repeat((byte)(0x10 + i), 100 + i).ToArray())).ToArray();
        // PES 1: frame 0 and the first half of frame 1. PES 2: rest of frame 1, frames 2 and 3.
        byte[] first = [.. frames[0], .. frames[1].AsSpan(0, 50)];
        byte[] second = [.. frames[1].AsSpan(50), .. frames[2], .. frames[3]];
        var ts = Tables();
        var cc = 0;
        Pes(ts, ref cc, first, pts: 90_000);
        Pes(ts, ref cc, second, pts: 93_840); // belongs to frame 2, the first frame that starts in it

        using var sink = TsFiles.Demux([.. ts], out var demuxer);
        Assert.Equal([90_000L, 91_920, 93_840, 95_760], sink.Frames.Select(f => f.Pts));
        for (var i = 0; i < 4; i++) Assert.Equal(frames[i].AsSpan(7).ToArray(), sink.Frames[i].Data.ToArray());
        Assert.Equal(0, demuxer.Stats.AudioSyncErrors + demuxer.Stats.PesErrors);
        Assert.Equal(Config.ToAudioSpecificConfig(), sink.Tracks[AudioPid].Audio!.AudioSpecificConfig);
    }

    [Fact]
    public void Demuxer_Should_SkipDuplicatesWithoutCountingErrors_When_PacketsAreRepeatedOnce()
    {
        var ts = Tables();
        var cc = 0;
        for (var i = 0; i < 20; i++) Pes(ts, ref cc, Adts(new byte[300]), pts: 90_000 + i * 1920);
        var packets = Enumerable.Range(0, ts.Count / 188).Select(i => ts.GetRange(i * 188, 188)).ToList();
        var doubled = new List<byte>();
        var duplicates = 0;
        for (var i = 0; i < packets.Count; i++)
        {
            doubled.AddRange(packets[i]);
            if (i >= 2 && i % 3 == 0)
            {
                doubled.AddRange(packets[i]);
                duplicates++;
            }
        }

        using var sink = TsFiles.Demux([.. doubled], out var demuxer);
        Assert.Equal(20, sink.Frames.Count);
        Assert.Equal(0, demuxer.Stats.ContinuityErrors);
        Assert.Equal(duplicates, demuxer.Stats.DuplicatePackets);
    }

    [Fact]
    public void Demuxer_Should_KeepThePacket_When_AnInputRestartsWithTheSameCounter()
    {
        // A looped file: its counters start over, and the first packet of a PID may carry the same
        // counter as the last one. That is a restart (one continuity error), not a duplicate to drop.
        var ts = Tables();
        var cc = 0;
        for (var i = 0; i < 4; i++) Pes(ts, ref cc, Adts(new byte[300]), pts: 90_000 + i * 1920);
        var lastCc = (cc - 1) & 0x0F;
        var again = Tables();
        var restart = lastCc;
        Pes(again, ref restart, Adts(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray()), pts: 90_000 + 4 * 1920);

        using var sink = TsFiles.Demux([.. ts, .. again], out var demuxer);
        // The repeated PAT/PMT are true duplicates (same bytes); the audio packet with the reused counter is not.
        Assert.Equal(5, sink.Frames.Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (byte)i), sink.Frames[4].Data.ToArray().Skip(sink.Frames[4].Data.Length - 300));
    }

    [Fact]
    public void Demuxer_Should_ReadAPesHeaderThatStraddlesTwoPackets()
    {
        var ts = Tables();
        var cc = 0;
        var frame = Adts(Enumerable.Range(0, 200).Select(i => (byte)i).ToArray());
        Pes(ts, ref cc, frame, pts: 90_000, firstPacketPayload: 3); // only 00 00 01 in the first packet
        Pes(ts, ref cc, frame, pts: 91_920, firstPacketPayload: 8);

        using var sink = TsFiles.Demux([.. ts], out var demuxer);
        Assert.Equal([90_000L, 91_920], sink.Frames.Select(f => f.Pts));
        Assert.All(sink.Frames, f => Assert.Equal(frame.AsSpan(7).ToArray(), f.Data.ToArray()));
        Assert.Equal(0, demuxer.Stats.PesErrors);
    }

    private static byte[] Adts(byte[] raw)
    {
        var frame = new byte[7 + raw.Length];
        AdtsHeader.Write(frame, Config, raw.Length);
        raw.CopyTo(frame, 7);
        return frame;
    }

    private static List<byte> Tables()
    {
        var muxer = new TsMuxer([new TrackInfo
        {
            TrackId = 1,
            Codec = CodecId.Aac,
            Audio = new AudioConfig { SampleRate = 48000, Channels = 2, AudioSpecificConfig = Config.ToAudioSpecificConfig() },
        }], new TsMuxerOptions { FirstTrackPid = AudioPid });
        var writer = new ArrayBufferWriter<byte>();
        muxer.WriteTables(writer);
        return [.. writer.WrittenSpan];
    }

    /// <summary>Writes one audio PES (PTS only, bounded length) as packets with adaptation-field stuffing.</summary>
    private static void Pes(List<byte> ts, ref int cc, byte[] payload, long pts, int firstPacketPayload = 184)
    {
        byte[] header =
        [
            0, 0, 1, 0xC0, (byte)((payload.Length + 8) >> 8), (byte)(payload.Length + 8), 0x80, 0x80, 5,
            (byte)(0x21 | ((pts >> 29) & 0x0E)), (byte)(pts >> 22), (byte)(((pts >> 14) & 0xFE) | 1), (byte)(pts >> 7), (byte)(((pts << 1) & 0xFE) | 1),
        ];
        byte[] pes = [.. header, .. payload];
        for (var offset = 0; offset < pes.Length;)
        {
            var chunk = Math.Min(offset == 0 ? firstPacketPayload : 184, pes.Length - offset);
            var stuffing = 184 - chunk;
            ts.Add(0x47);
            ts.Add((byte)((offset == 0 ? 0x40 : 0) | (AudioPid >> 8)));
            ts.Add(AudioPid & 0xFF);
            ts.Add((byte)((stuffing > 0 ? 0x30 : 0x10) | cc));
            cc = (cc + 1) & 0x0F;
            if (stuffing > 0)
            {
                ts.Add((byte)(stuffing - 1));
                if (stuffing > 1)
                {
                    ts.Add(0);
                    ts.AddRange(Enumerable.Repeat((byte)0xFF, stuffing - 2));
                }
            }
            ts.AddRange(pes.AsSpan(offset, chunk).ToArray());
            offset += chunk;
        }
    }
}
