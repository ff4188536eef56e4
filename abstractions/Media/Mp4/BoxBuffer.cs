using System.Buffers;
using System.Buffers.Binary;

namespace Sluice.Media.Mp4;

/// <summary>
/// A growable big-endian buffer for ISO BMFF boxes: <see cref="Begin"/> writes a box header whose size is
/// patched by <see cref="End"/>, so nested boxes need no size computed in advance. Pooled; dispose to return it.
/// </summary>
internal sealed class BoxBuffer(int capacity = 4096) : IDisposable
{
    private byte[] _data = ArrayPool<byte>.Shared.Rent(capacity);

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _data.AsSpan(0, Length);

    /// <summary>Starts a box; returns its offset for <see cref="End"/>.</summary>
    public int Begin(string type)
    {
        var at = Length;
        U32(0);
        FourCc(type);
        return at;
    }

    /// <summary>Starts a full box (version and flags).</summary>
    public int BeginFull(string type, byte version, int flags)
    {
        var at = Begin(type);
        U32(((uint)version << 24) | ((uint)flags & 0xFFFFFF));
        return at;
    }

    public void End(int at) => BinaryPrimitives.WriteUInt32BigEndian(_data.AsSpan(at), (uint)(Length - at));

    /// <summary>Overwrites 4 bytes written earlier (an entry count known only after the entries).</summary>
    public void PatchU32(int at, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_data.AsSpan(at), value);

    public void U8(int value) => Take(1)[0] = (byte)value;

    public void U16(int value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), (ushort)value);

    public void U24(int value)
    {
        var s = Take(3);
        s[0] = (byte)(value >> 16);
        s[1] = (byte)(value >> 8);
        s[2] = (byte)value;
    }

    public void U32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void U32(long value) => U32((uint)value);

    public void I32(int value) => BinaryPrimitives.WriteInt32BigEndian(Take(4), value);

    public void U64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void Zeros(int count) => Take(count).Clear();

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    public void FourCc(string type)
    {
        var s = Take(4);
        for (var i = 0; i < 4; i++) s[i] = (byte)type[i];
    }

    /// <summary>The unity matrix of mvhd/tkhd.</summary>
    public void UnityMatrix()
    {
        U32(0x00010000); U32(0); U32(0);
        U32(0); U32(0x00010000); U32(0);
        U32(0); U32(0); U32(0x40000000);
    }

    private Span<byte> Take(int count)
    {
        if (Length + count > _data.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Length + count, _data.Length * 2));
            _data.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = bigger;
        }
        var span = _data.AsSpan(Length, count);
        Length += count;
        return span;
    }

    public void Dispose()
    {
        var data = Interlocked.Exchange(ref _data, []);
        if (data.Length > 0) ArrayPool<byte>.Shared.Return(data);
    }
}
