using System.Buffers;
using Sluice.Abstractions.Events;

namespace Sluice.Sinks.Common;

/// <summary>
/// A batch as a JSON array of the events' cached JSON, joined into one pooled buffer: no event is
/// serialized again. Room for <paramref name="trailerCapacity"/> more bytes is kept after the array
/// (the HTTP sink hashes the body followed by the sign key without a second buffer).
/// Dispose returns the buffer.
/// </summary>
public struct JsonArrayBody : IDisposable
{
    private byte[]? _buffer;

    public int Length { get; private set; }

    public readonly byte[] Buffer => _buffer ?? [];

    public readonly ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public static JsonArrayBody Build(IReadOnlyList<SluiceEvent> batch, int trailerCapacity = 0)
    {
        var size = 2 + Math.Max(0, batch.Count - 1) + trailerCapacity;
        for (var i = 0; i < batch.Count; i++) size += batch[i].Utf8Json.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var at = 0;
        buffer[at++] = (byte)'[';
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0) buffer[at++] = (byte)',';
            var json = batch[i].Utf8Json.Span;
            json.CopyTo(buffer.AsSpan(at));
            at += json.Length;
        }
        buffer[at++] = (byte)']';
        return new JsonArrayBody { _buffer = buffer, Length = at };
    }

    public void Dispose()
    {
        if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
        _buffer = null;
        Length = 0;
    }
}
