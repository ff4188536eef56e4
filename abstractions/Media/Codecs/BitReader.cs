namespace Sluice.Media.Codecs;

/// <summary>
/// Reads bits MSB-first, with Exp-Golomb codes as used by H.264/H.265 parameter sets. Reading past
/// the end yields zero bits and sets <see cref="Overrun"/> instead of throwing, so parsers check once.
/// </summary>
public ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _bit;

    /// <summary>Starts at the first bit of <paramref name="data"/>.</summary>
    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _bit = 0;
        Overrun = false;
    }

    /// <summary>True once a read went past the end of the data.</summary>
    public bool Overrun { get; private set; }

    /// <summary>Bits left to read.</summary>
    public readonly int BitsLeft => Math.Max(0, _data.Length * 8 - _bit);

    /// <summary>Reads one bit.</summary>
    public uint ReadBit()
    {
        if (_bit >= _data.Length * 8)
        {
            Overrun = true;
            return 0;
        }
        var value = (uint)(_data[_bit >> 3] >> (7 - (_bit & 7))) & 1;
        _bit++;
        return value;
    }

    /// <summary>Reads a flag bit.</summary>
    public bool ReadFlag() => ReadBit() != 0;

    /// <summary>Reads <paramref name="count"/> (0..32) bits as an unsigned number.</summary>
    public uint ReadBits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++) value = (value << 1) | ReadBit();
        return value;
    }

    /// <summary>Skips <paramref name="count"/> bits.</summary>
    public void Skip(int count)
    {
        _bit += count;
        if (_bit > _data.Length * 8) Overrun = true;
    }

    /// <summary>Reads an unsigned Exp-Golomb code, ue(v). Codes longer than 31 leading zeros set <see cref="Overrun"/>.</summary>
    public uint ReadUe()
    {
        var zeros = 0;
        while (ReadBit() == 0)
        {
            if (Overrun || ++zeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }
        return zeros == 0 ? 0 : (uint)((1UL << zeros) - 1 + ReadBits(zeros));
    }

    /// <summary>Reads a signed Exp-Golomb code, se(v).</summary>
    public int ReadSe()
    {
        var code = ReadUe();
        return (code & 1) != 0 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }
}
