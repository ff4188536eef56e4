using System.Buffers.Binary;
using System.Text;

namespace Sluice.Media.Amf;

/// <summary>
/// Reads AMF0 values (and AMF3 values behind the AMF0 <c>avmplus</c> switch) from a span. Every
/// length and count is checked against what is left, nesting is bounded, and anything malformed
/// throws <see cref="AmfException"/>: a reader never reads past its data or allocates by a claimed size.
/// Values: <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>, null, <see cref="AmfUndefined"/>,
/// <see cref="AmfObject"/> (objects, ECMA arrays, typed objects), <c>object?[]</c> (arrays),
/// <see cref="DateTimeOffset"/>, <c>byte[]</c> (AMF3 byte arrays).
/// </summary>
public ref partial struct AmfReader
{
    /// <summary>Deepest nesting of objects and arrays accepted.</summary>
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private List<object>? _references;
    private List<string>? _strings; // AMF3 reference tables (AmfReader.Amf3.cs)
    private List<object>? _objects;
    private List<Traits>? _traits;

    /// <summary>Starts at the first byte of <paramref name="data"/>.</summary>
    public AmfReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _references = null;
        _strings = null;
        _objects = null;
        _traits = null;
    }

    /// <summary>True when every byte was read.</summary>
    public readonly bool End => _position >= _data.Length;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>Reads the next AMF0 value.</summary>
    public object? ReadValue() => ReadAmf0(0);

    /// <summary>Reads every value up to the end.</summary>
    public List<object?> ReadAll()
    {
        var values = new List<object?>();
        while (!End) values.Add(ReadAmf0(0));
        return values;
    }

    private object? ReadAmf0(int depth)
    {
        if (depth > MaxDepth) throw new AmfException("AMF nesting is too deep");
        var marker = ReadByte();
        switch (marker)
        {
            case Amf0Marker.Number: return ReadDouble();
            case Amf0Marker.Boolean: return ReadByte() != 0;
            case Amf0Marker.String: return ReadUtf8(ReadUInt16());
            case Amf0Marker.LongString:
            case Amf0Marker.XmlDocument: return ReadUtf8(ReadLength32());
            case Amf0Marker.Null: return null;
            case Amf0Marker.Undefined:
            case Amf0Marker.Unsupported: return AmfUndefined.Value;
            case Amf0Marker.Object: return ReadProperties(new AmfObject(), depth);
            case Amf0Marker.TypedObject: return ReadProperties(new AmfObject { ClassName = ReadUtf8(ReadUInt16()) }, depth);
            case Amf0Marker.EcmaArray:
                ReadUInt32(); // the count is a hint only; the properties end with the end marker
                return ReadProperties(new AmfObject { IsEcmaArray = true }, depth);
            case Amf0Marker.StrictArray: return ReadStrictArray(depth);
            case Amf0Marker.Date:
                var ms = ReadDouble();
                Need(2); // time zone, unused
                _position += 2;
                return double.IsFinite(ms) && Math.Abs(ms) < 8.64e15 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : DateTimeOffset.UnixEpoch;
            case Amf0Marker.Reference:
                var index = ReadUInt16();
                if (_references is null || index >= _references.Count) throw new AmfException($"AMF0 reference {index} to nothing");
                return _references[index];
            case Amf0Marker.AvmPlus:
                ResetAmf3();
                return ReadAmf3(depth + 1);
            default:
                throw new AmfException($"AMF0 marker 0x{marker:x2} is not supported");
        }
    }

    private AmfObject ReadProperties(AmfObject target, int depth)
    {
        (_references ??= []).Add(target);
        while (true)
        {
            var length = ReadUInt16();
            if (length == 0)
            {
                var end = ReadByte();
                if (end == Amf0Marker.ObjectEnd) return target;
                throw new AmfException($"AMF0 object: empty property name followed by marker 0x{end:x2}, not the end marker");
            }
            var name = ReadUtf8(length);
            target.Set(name, ReadAmf0(depth + 1));
        }
    }

    private object?[] ReadStrictArray(int depth)
    {
        var count = ReadLength32();
        // Each element takes at least one byte: a count beyond what is left is a lie.
        if (count > _data.Length - _position) throw new AmfException($"AMF0 array of {count} elements in {_data.Length - _position} bytes");
        var items = new object?[count];
        (_references ??= []).Add(items);
        for (var i = 0; i < count; i++) items[i] = ReadAmf0(depth + 1);
        return items;
    }

    private void Need(int count)
    {
        if (count < 0 || _data.Length - _position < count) throw new AmfException("AMF data is truncated");
    }

    private byte ReadByte()
    {
        Need(1);
        return _data[_position++];
    }

    private ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_data[_position..]);
        _position += 2;
        return v;
    }

    private uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += 4;
        return v;
    }

    private int ReadLength32()
    {
        var v = ReadUInt32();
        if (v > int.MaxValue) throw new AmfException("AMF length is too large");
        return (int)v;
    }

    private double ReadDouble()
    {
        Need(8);
        var v = BinaryPrimitives.ReadDoubleBigEndian(_data[_position..]);
        _position += 8;
        return v;
    }

    private string ReadUtf8(int length)
    {
        Need(length);
        var s = length == 0 ? "" : Encoding.UTF8.GetString(_data.Slice(_position, length));
        _position += length;
        return s;
    }
}
