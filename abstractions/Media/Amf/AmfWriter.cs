using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Sluice.Media.Amf;

/// <summary>
/// Writes AMF0 values into an <see cref="IBufferWriter{T}"/>. <see cref="WriteValue"/> takes what
/// <see cref="AmfReader"/> returns (and ints, longs, floats, lists and dictionaries of strings), so a
/// command read can be written back.
/// </summary>
public readonly struct AmfWriter(IBufferWriter<byte> output)
{
    /// <summary>A number (AMF0 numbers are doubles).</summary>
    public void WriteNumber(double value)
    {
        var span = output.GetSpan(9);
        span[0] = Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        output.Advance(9);
    }

    /// <summary>A boolean.</summary>
    public void WriteBoolean(bool value)
    {
        var span = output.GetSpan(2);
        span[0] = Amf0Marker.Boolean;
        span[1] = value ? (byte)1 : (byte)0;
        output.Advance(2);
    }

    /// <summary>A string (a long string beyond 65535 UTF-8 bytes).</summary>
    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue)
        {
            var longSpan = output.GetSpan(5 + length);
            longSpan[0] = Amf0Marker.LongString;
            BinaryPrimitives.WriteUInt32BigEndian(longSpan[1..], (uint)length);
            Encoding.UTF8.GetBytes(value, longSpan[5..]);
            output.Advance(5 + length);
            return;
        }
        var span = output.GetSpan(3 + length);
        span[0] = Amf0Marker.String;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
        Encoding.UTF8.GetBytes(value, span[3..]);
        output.Advance(3 + length);
    }

    /// <summary>null.</summary>
    public void WriteNull() => WriteMarker(Amf0Marker.Null);

    /// <summary>undefined.</summary>
    public void WriteUndefined() => WriteMarker(Amf0Marker.Undefined);

    /// <summary>An object, ECMA array or typed object, as <see cref="AmfObject"/> says.</summary>
    public void WriteObject(AmfObject value)
    {
        if (value.IsEcmaArray)
        {
            var span = output.GetSpan(5);
            span[0] = Amf0Marker.EcmaArray;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value.Count);
            output.Advance(5);
        }
        else if (value.ClassName is { } className)
        {
            WriteMarker(Amf0Marker.TypedObject);
            WriteName(className);
        }
        else
        {
            WriteMarker(Amf0Marker.Object);
        }
        foreach (var (name, item) in value.Properties)
        {
            WriteName(name);
            WriteValue(item);
        }
        var end = output.GetSpan(3);
        end[0] = 0;
        end[1] = 0;
        end[2] = Amf0Marker.ObjectEnd;
        output.Advance(3);
    }

    /// <summary>Any value <see cref="AmfReader"/> returns, plus integers, lists and string-keyed dictionaries.</summary>
    public void WriteValue(object? value)
    {
        switch (value)
        {
            case null: WriteNull(); break;
            case AmfUndefined: WriteUndefined(); break;
            case double d: WriteNumber(d); break;
            case int i: WriteNumber(i); break;
            case long l: WriteNumber(l); break;
            case uint u: WriteNumber(u); break;
            case float f: WriteNumber(f); break;
            case bool b: WriteBoolean(b); break;
            case string s: WriteString(s); break;
            case AmfObject o: WriteObject(o); break;
            case DateTimeOffset date:
                var span = output.GetSpan(11);
                span[0] = Amf0Marker.Date;
                BinaryPrimitives.WriteDoubleBigEndian(span[1..], date.ToUnixTimeMilliseconds());
                span[9] = 0;
                span[10] = 0;
                output.Advance(11);
                break;
            case IReadOnlyDictionary<string, object?> map:
                var obj = new AmfObject();
                foreach (var (k, v) in map) obj.Set(k, v);
                WriteObject(obj);
                break;
            case System.Collections.IList list:
                var head = output.GetSpan(5);
                head[0] = Amf0Marker.StrictArray;
                BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)list.Count);
                output.Advance(5);
                foreach (var item in list) WriteValue(item);
                break;
            default:
                throw new ArgumentException($"AMF0 cannot carry a {value.GetType().Name}", nameof(value));
        }
    }

    private void WriteMarker(byte marker)
    {
        output.GetSpan(1)[0] = marker;
        output.Advance(1);
    }

    private void WriteName(string name)
    {
        var length = Encoding.UTF8.GetByteCount(name);
        if (length > ushort.MaxValue) throw new ArgumentException("AMF0 property names are at most 65535 bytes", nameof(name));
        var span = output.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(name, span[2..]);
        output.Advance(2 + length);
    }
}
