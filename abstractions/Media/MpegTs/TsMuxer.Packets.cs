using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.Media.MpegTs;

public sealed partial class TsMuxer
{
    /// <summary>Splits one PES (prefix + payload) into transport packets.</summary>
    private void WritePes(IBufferWriter<byte> output, MuxTrack track, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload,
        bool withPcr, bool randomAccess, long dts)
    {
        var first = true;
        while (!prefix.IsEmpty || !payload.IsEmpty)
        {
            var packet = output.GetSpan(TsConstants.PacketSize)[..TsConstants.PacketSize];
            var remaining = prefix.Length + payload.Length;

            // Adaptation field content (after its length byte): flags, optional PCR.
            var pcr = first && withPcr;
            var flagsNeeded = first && (pcr || randomAccess);
            var adaptationContent = flagsNeeded ? 1 + (pcr ? 6 : 0) : 0;
            var capacity = TsConstants.PacketSize - 4 - (flagsNeeded ? 1 + adaptationContent : 0);
            var hasAdaptation = flagsNeeded;
            if (remaining < capacity)
            {
                // Stuff the adaptation field so the payload ends exactly at the packet end.
                var stuffing = capacity - remaining;
                if (!hasAdaptation)
                {
                    hasAdaptation = true;
                    adaptationContent = stuffing - 1; // the length byte itself takes one
                }
                else
                {
                    adaptationContent += stuffing;
                }
                capacity = remaining;
            }

            packet[0] = TsConstants.SyncByte;
            packet[1] = (byte)((first ? 0x40 : 0) | (track.Pid >> 8));
            packet[2] = (byte)track.Pid;
            packet[3] = (byte)((hasAdaptation ? 0x30 : 0x10) | track.Continuity);
            track.Continuity = (track.Continuity + 1) & 0x0F;

            var position = 4;
            if (hasAdaptation)
            {
                packet[4] = (byte)adaptationContent;
                position = 5;
                if (adaptationContent > 0)
                {
                    packet[5] = (byte)((randomAccess && first ? 0x40 : 0) | (pcr ? 0x10 : 0));
                    position = 6;
                    if (pcr)
                    {
                        WritePcr(packet[6..], Math.Max(0, dts - Options.PcrDelay));
                        position = 12;
                    }
                    var end = 5 + adaptationContent;
                    packet[position..end].Fill(0xFF);
                    position = end;
                }
            }

            var fromPrefix = Math.Min(prefix.Length, capacity);
            prefix[..fromPrefix].CopyTo(packet[position..]);
            prefix = prefix[fromPrefix..];
            position += fromPrefix;
            var fromPayload = capacity - fromPrefix;
            payload[..fromPayload].CopyTo(packet[position..]);
            payload = payload[fromPayload..];

            output.Advance(TsConstants.PacketSize);
            PacketsWritten++;
            first = false;
        }
    }

    private static void WritePcr(Span<byte> destination, long pcrBase)
    {
        var value = pcrBase & ((1L << 33) - 1);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(value >> 1));
        destination[4] = (byte)(((value & 1) << 7) | 0x7E); // 6 reserved bits, extension high bit 0
        destination[5] = 0;
    }

    private void WritePat(IBufferWriter<byte> output)
    {
        Span<byte> section = stackalloc byte[16];
        section[0] = 0x00;
        BinaryPrimitives.WriteUInt16BigEndian(section[1..], 0xB000 | 13);
        BinaryPrimitives.WriteUInt16BigEndian(section[3..], (ushort)Options.TransportStreamId);
        section[5] = 0xC1; // version 0, current
        section[6] = 0;
        section[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(section[8..], (ushort)Options.ProgramNumber);
        BinaryPrimitives.WriteUInt16BigEndian(section[10..], (ushort)(0xE000 | Options.PmtPid));
        BinaryPrimitives.WriteUInt32BigEndian(section[12..], Crc32Mpeg.Compute(section[..12]));
        WriteSection(output, TsConstants.PatPid, ref _patContinuity, section);
    }

    private void WritePmt(IBufferWriter<byte> output)
    {
        var descriptorBytes = 0;
        foreach (var track in _tracks) descriptorBytes += track.Descriptors.Length;
        Span<byte> section = stackalloc byte[12 + 5 * _tracks.Length + descriptorBytes + 4];
        section[0] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(section[1..], (ushort)(0xB000 | (section.Length - 3)));
        BinaryPrimitives.WriteUInt16BigEndian(section[3..], (ushort)Options.ProgramNumber);
        section[5] = 0xC1;
        section[6] = 0;
        section[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(section[8..], (ushort)(0xE000 | _pcrTrack.Pid));
        BinaryPrimitives.WriteUInt16BigEndian(section[10..], 0xF000);
        var position = 12;
        foreach (var track in _tracks)
        {
            section[position] = track.StreamType;
            BinaryPrimitives.WriteUInt16BigEndian(section[(position + 1)..], (ushort)(0xE000 | track.Pid));
            BinaryPrimitives.WriteUInt16BigEndian(section[(position + 3)..], (ushort)(0xF000 | track.Descriptors.Length));
            position += 5;
            track.Descriptors.CopyTo(section[position..]);
            position += track.Descriptors.Length;
        }
        BinaryPrimitives.WriteUInt32BigEndian(section[position..], Crc32Mpeg.Compute(section[..position]));
        WriteSection(output, Options.PmtPid, ref _pmtContinuity, section);
    }

    private void WriteSection(IBufferWriter<byte> output, int pid, ref int continuity, ReadOnlySpan<byte> section)
    {
        var packet = output.GetSpan(TsConstants.PacketSize)[..TsConstants.PacketSize];
        packet[0] = TsConstants.SyncByte;
        packet[1] = (byte)(0x40 | (pid >> 8));
        packet[2] = (byte)pid;
        packet[3] = (byte)(0x10 | continuity);
        continuity = (continuity + 1) & 0x0F;
        packet[4] = 0; // pointer_field
        section.CopyTo(packet[5..]);
        packet[(5 + section.Length)..].Fill(0xFF);
        output.Advance(TsConstants.PacketSize);
        PacketsWritten++;
    }
}
