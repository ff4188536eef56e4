using System.Buffers;

namespace Sluice.Protocols.Rtmp.Media;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array from <see cref="ArrayPool{T}"/>, for building a tag body
/// before it is chunked. <see cref="Release"/> gives the array back, so an idle connection holds none.
/// </summary>
internal sealed class PooledWriter : IBufferWriter<byte>
{
    private byte[]? _array;
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _array is null ? default : _array.AsSpan(0, _written);

    public int WrittenCount => _written;

    /// <summary>Starts a new body, keeping the array.</summary>
    public void Reset() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 256);
        if (_array is not null && _array.Length >= needed) return;
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (_array?.Length ?? 0) * 2));
        if (_array is not null)
        {
            _array.AsSpan(0, _written).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_array);
        }
        _array = next;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Release()
    {
        if (_array is not null) ArrayPool<byte>.Shared.Return(_array);
        _array = null;
        _written = 0;
    }
}
