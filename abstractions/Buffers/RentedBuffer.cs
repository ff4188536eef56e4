using System.Buffers;

namespace Sluice.Abstractions.Buffers;

/// <summary>
/// A reference-counted byte buffer rented from <see cref="ArrayPool{T}"/>, so several readers can
/// share one payload without copies. It starts with one reference owned by its creator; every
/// <see cref="Retain"/> must be paired with one <see cref="Release"/>. The array goes back to the
/// pool when the last reference is released; touching the buffer after that throws.
/// </summary>
public sealed class RentedBuffer : IDisposable
{
    private byte[]? _array;
    private int _references;

    private RentedBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
        _references = 1;
    }

    /// <summary>Number of valid bytes.</summary>
    public int Length { get; }

    /// <summary>Current reference count (0 once returned to the pool); for diagnostics and tests.</summary>
    public int ReferenceCount => Volatile.Read(ref _references);

    /// <summary>Rents a buffer of <paramref name="length"/> bytes (contents unspecified) with one reference.</summary>
    public static RentedBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new RentedBuffer(ArrayPool<byte>.Shared.Rent(Math.Max(length, 1)), length);
    }

    /// <summary>Rents a buffer holding a copy of <paramref name="source"/>.</summary>
    public static RentedBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = Rent(source.Length);
        source.CopyTo(buffer._array);
        return buffer;
    }

    /// <summary>Rents a buffer holding <paramref name="first"/> followed by <paramref name="second"/>.</summary>
    public static RentedBuffer CopyOf(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var buffer = Rent(first.Length + second.Length);
        first.CopyTo(buffer._array);
        second.CopyTo(buffer._array.AsSpan(first.Length));
        return buffer;
    }

    /// <summary>The valid bytes, writable for the creator while it fills the buffer.</summary>
    public Span<byte> Span => Array().AsSpan(0, Length);

    /// <summary>The valid bytes as memory (valid only while a reference is held).</summary>
    public ReadOnlyMemory<byte> Memory => new(Array(), 0, Length);

    /// <summary>Adds a reference; the caller must <see cref="Release"/> it later. Returns this buffer.</summary>
    public RentedBuffer Retain()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current <= 0) throw new ObjectDisposedException(nameof(RentedBuffer), "Retain after the last Release.");
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return this;
        }
    }

    /// <summary>Drops a reference; the last one returns the array to the pool.</summary>
    public void Release()
    {
        var remaining = Interlocked.Decrement(ref _references);
        if (remaining > 0) return;
        if (remaining < 0)
        {
            Interlocked.Exchange(ref _references, 0);
            throw new InvalidOperationException("RentedBuffer released more times than retained.");
        }
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null) ArrayPool<byte>.Shared.Return(array);
    }

    /// <summary>Same as <see cref="Release"/>, for <c>using</c>.</summary>
    public void Dispose() => Release();

    private byte[] Array() => _array ?? throw new ObjectDisposedException(nameof(RentedBuffer));
}
