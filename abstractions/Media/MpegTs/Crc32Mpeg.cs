namespace Sluice.Media.MpegTs;

/// <summary>CRC-32/MPEG-2 of PSI sections: polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final XOR.</summary>
internal static class Crc32Mpeg
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i << 24;
            for (var bit = 0; bit < 8; bit++) c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            table[i] = c;
        }
        return table;
    }
}
