using Sluice.Media.MpegTs;

namespace Sluice.Dvr.Archive;

/// <summary>
/// A fragment left half-written by a crash (<c>.ts.part</c>): its bytes are cut back to the last frame that is
/// complete for sure (the transport packet where the last PES starts: frames are written whole, one after the
/// other), its duration is read from its timestamps, and it is renamed like a finished fragment. A file with
/// nothing playable left is deleted.
/// </summary>
internal static class FragmentRepair
{
    private const int PacketSize = 188;
    private const long MaxRepairBytes = 512L << 20;

    /// <summary>The repaired fragment, or null when the file was dropped.</summary>
    public static Fragment? Repair(string partPath, long startMs)
    {
        var folder = Path.GetDirectoryName(partPath)!;
        var length = new FileInfo(partPath).Length;
        if (length < 2 * PacketSize || length > MaxRepairBytes)
        {
            File.Delete(partPath);
            return null;
        }
        var data = File.ReadAllBytes(partPath);
        var cut = LastPesStart(data, (int)(length / PacketSize * PacketSize));
        var probe = cut > 0 ? FragmentProbe.Of(data.AsSpan(0, cut)) : null;
        if (probe is null || probe.DurationMs <= 0 || !probe.StartsWithKeyframe)
        {
            File.Delete(partPath);
            return null;
        }
        using (var file = new FileStream(partPath, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            file.SetLength(cut);
        }
        var final = Path.Combine(folder, FragmentNames.FileName(startMs, probe.DurationMs));
        File.Move(partPath, final, overwrite: true);
        return new Fragment(startMs, probe.DurationMs, cut);
    }

    /// <summary>Offset of the last packet that starts a PES (not a table), or 0.</summary>
    private static int LastPesStart(ReadOnlySpan<byte> data, int length)
    {
        for (var at = length - PacketSize; at >= 0; at -= PacketSize)
        {
            var p = data.Slice(at, PacketSize);
            if (p[0] != TsConstants.SyncByte || (p[1] & 0x40) == 0) continue;
            var pid = ((p[1] & 0x1F) << 8) | p[2];
            if (pid == TsConstants.PatPid) continue;
            var offset = 4;
            if ((p[3] & 0x20) != 0) offset += 1 + p[4];
            if (offset + 3 <= PacketSize && p[offset] == 0 && p[offset + 1] == 0 && p[offset + 2] == 1) return at;
        }
        return 0;
    }
}
