using System.Buffers.Binary;
using Sluice.Abstractions.Frames;

namespace Sluice.Media.MpegTs;

public sealed partial class TsDemuxer
{
    private const int MaxSectionLength = 1024; // section_length limit for PAT/PMT
    private const int MaxPrograms = 256;

    /// <summary>Assembles PSI sections (which may span packets, or share one) and handles complete ones.</summary>
    private void FeedPsi(PidState state, ReadOnlySpan<byte> payload, bool unitStart)
    {
        if (!unitStart)
        {
            if (state.SectionActive) ConsumeSection(state, payload);
            return;
        }
        int pointer = payload[0];
        payload = payload[1..];
        if (pointer > payload.Length)
        {
            Stats.PsiErrors++;
            state.SectionActive = false;
            return;
        }
        if (state.SectionActive) ConsumeSection(state, payload[..pointer]);
        state.SectionActive = false;
        var rest = payload[pointer..];
        while (!rest.IsEmpty && rest[0] != 0xFF)
        {
            state.SectionActive = true;
            state.SectionFill = 0;
            var used = ConsumeSection(state, rest);
            if (state.SectionActive) break; // continues in the next packet
            rest = rest[used..];
        }
    }

    /// <summary>Appends to the section being assembled; returns bytes used.</summary>
    private int ConsumeSection(PidState state, ReadOnlySpan<byte> data)
    {
        var buffer = state.Section ??= new byte[3 + MaxSectionLength];
        var used = 0;
        if (state.SectionFill < 3)
        {
            var take = Math.Min(3 - state.SectionFill, data.Length);
            data[..take].CopyTo(buffer.AsSpan(state.SectionFill));
            state.SectionFill += take;
            used = take;
            if (state.SectionFill < 3) return used;
        }
        var total = 3 + (((buffer[1] & 0x0F) << 8) | buffer[2]);
        if (total > buffer.Length || total < 3 + 9)
        {
            Stats.PsiErrors++;
            state.SectionActive = false;
            return data.Length;
        }
        var more = Math.Min(total - state.SectionFill, data.Length - used);
        data.Slice(used, more).CopyTo(buffer.AsSpan(state.SectionFill));
        state.SectionFill += more;
        used += more;
        if (state.SectionFill == total)
        {
            state.SectionActive = false;
            OnSection(state, buffer.AsSpan(0, total));
        }
        return used;
    }

    private void OnSection(PidState state, ReadOnlySpan<byte> section)
    {
        if (Crc32Mpeg.Compute(section) != 0)
        {
            Stats.PsiErrors++;
            return;
        }
        var crc = BinaryPrimitives.ReadUInt32BigEndian(section[^4..]);
        var tableId = section[0];
        var body = section[8..^4];
        if (state.Kind == PidKind.Pat && tableId == 0x00)
        {
            // The PAT fits one section in practice: skip re-parsing a repeat.
            if (state.HasLastSectionCrc && state.LastSectionCrc == crc) return;
            state.LastSectionCrc = crc;
            state.HasLastSectionCrc = true;
            OnPat(body);
        }
        else if (state.Kind == PidKind.Pmt && tableId == 0x02)
        {
            OnPmt(BinaryPrimitives.ReadUInt16BigEndian(section[3..]), crc, body);
        }
    }

    private void OnPat(ReadOnlySpan<byte> entries)
    {
        for (var i = 0; i + 4 <= entries.Length; i += 4)
        {
            var number = BinaryPrimitives.ReadUInt16BigEndian(entries[i..]);
            var pmtPid = BinaryPrimitives.ReadUInt16BigEndian(entries[(i + 2)..]) & 0x1FFF;
            if (number == 0) continue; // network PID
            var program = FindProgram(number);
            if (program is null)
            {
                if (_programs.Count >= MaxPrograms) return;
                program = new TsProgram(number, pmtPid);
                _programs.Add(program);
            }
            program.PmtPid = pmtPid;
            if (_pids[pmtPid] is null) _pids[pmtPid] = new PidState(PidKind.Pmt);
        }
    }

    private void OnPmt(int programNumber, uint crc, ReadOnlySpan<byte> body)
    {
        var program = FindProgram(programNumber);
        if (program is null || body.Length < 4) return;
        if (program.PmtCrc == crc && program.PcrPid >= 0) return;
        program.PmtCrc = crc;
        program.PcrPid = BinaryPrimitives.ReadUInt16BigEndian(body) & 0x1FFF;
        var infoLength = BinaryPrimitives.ReadUInt16BigEndian(body[2..]) & 0x0FFF;
        if (4 + infoLength > body.Length)
        {
            Stats.PsiErrors++;
            return;
        }
        var loop = body[(4 + infoLength)..];
        while (loop.Length >= 5)
        {
            var streamType = loop[0];
            var pid = BinaryPrimitives.ReadUInt16BigEndian(loop[1..]) & 0x1FFF;
            var esInfoLength = BinaryPrimitives.ReadUInt16BigEndian(loop[3..]) & 0x0FFF;
            if (5 + esInfoLength > loop.Length)
            {
                Stats.PsiErrors++;
                return;
            }
            AddStream(program, streamType, pid, loop.Slice(5, esInfoLength));
            loop = loop[(5 + esInfoLength)..];
        }
    }

    private TsProgram? FindProgram(int number)
    {
        foreach (var program in _programs)
        {
            if (program.ProgramNumber == number) return program;
        }
        return null;
    }

    private void AddStream(TsProgram program, byte streamType, int pid, ReadOnlySpan<byte> descriptors)
    {
        var codec = TsStreamTypes.CodecOf(streamType, descriptors, out var channels);
        if (codec == CodecId.Unknown || pid == TsConstants.PatPid || pid == TsConstants.NullPid) return;
        var existing = _pids[pid];
        if (existing?.Stream is { } stream && stream.StreamType == streamType && stream.InitialCodec == codec && stream.Program == program) return;
        if (existing is not null && existing.Kind != PidKind.Pes) return; // PID already carries PSI
        if (existing?.Stream is { } replaced)
        {
            _streams.Remove(replaced);
            replaced.Program.Tracks.Remove(pid);
            replaced.Dispose();
        }
        var created = new ElementaryStream(this, program, pid, streamType, codec, channels);
        _pids[pid] = new PidState(PidKind.Pes) { Stream = created };
        _streams.Add(created);
        program.Tracks.Add(pid);
        Sink.OnTrack(created.Track);
    }
}
