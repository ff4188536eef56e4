namespace Sluice.Media.Amf;

/// <summary>AMF3 (AMF3 specification, section 3), reached through the AMF0 <c>avmplus</c> marker.</summary>
public ref partial struct AmfReader
{
    private sealed record Traits(string? ClassName, bool Dynamic, string[] Members);

    private void ResetAmf3()
    {
        // Each AMF0 avmplus value starts its own AMF3 reference tables.
        _strings?.Clear();
        _objects?.Clear();
        _traits?.Clear();
    }

    private object? ReadAmf3(int depth)
    {
        if (depth > MaxDepth) throw new AmfException("AMF nesting is too deep");
        var marker = ReadByte();
        switch (marker)
        {
            case 0x00: return AmfUndefined.Value;
            case 0x01: return null;
            case 0x02: return false;
            case 0x03: return true;
            case 0x04:
                var u29 = ReadU29();
                return (double)((u29 & 0x10000000) != 0 ? (int)(u29 | 0xE0000000) : (int)u29); // 29-bit two's complement
            case 0x05: return ReadDouble();
            case 0x06: return ReadAmf3String();
            case 0x07:
            case 0x0B: return ReadAmf3Xml();
            case 0x08: return ReadAmf3Date();
            case 0x09: return ReadAmf3Array(depth);
            case 0x0A: return ReadAmf3Object(depth);
            case 0x0C: return ReadAmf3ByteArray();
            default: throw new AmfException($"AMF3 marker 0x{marker:x2} is not supported");
        }
    }

    private uint ReadU29()
    {
        uint value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            if (i == 3) return (value << 8) | b;
            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) == 0) return value;
        }
        return value;
    }

    /// <summary>A U29 whose low bit says inline (1) or reference (0); returns the rest.</summary>
    private (bool Inline, int Value) ReadU29Ref()
    {
        var u = ReadU29();
        return ((u & 1) != 0, (int)(u >> 1));
    }

    private string ReadAmf3String()
    {
        var (inline, value) = ReadU29Ref();
        if (!inline)
        {
            if (_strings is null || value >= _strings.Count) throw new AmfException($"AMF3 string reference {value} to nothing");
            return _strings[value];
        }
        var s = ReadUtf8(value);
        if (s.Length > 0) (_strings ??= []).Add(s); // the empty string is never sent by reference
        return s;
    }

    private object ReferencedObject(int index) =>
        _objects is not null && index < _objects.Count ? _objects[index] : throw new AmfException($"AMF3 object reference {index} to nothing");

    private object ReadAmf3Xml()
    {
        var (inline, value) = ReadU29Ref();
        if (!inline) return ReferencedObject(value);
        var s = ReadUtf8(value);
        (_objects ??= []).Add(s);
        return s;
    }

    private object ReadAmf3Date()
    {
        var (inline, value) = ReadU29Ref();
        if (!inline) return ReferencedObject(value);
        var ms = ReadDouble();
        object date = double.IsFinite(ms) && Math.Abs(ms) < 8.64e15 ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : DateTimeOffset.UnixEpoch;
        (_objects ??= []).Add(date);
        return date;
    }

    private object ReadAmf3ByteArray()
    {
        var (inline, value) = ReadU29Ref();
        if (!inline) return ReferencedObject(value);
        Need(value);
        var bytes = _data.Slice(_position, value).ToArray();
        _position += value;
        (_objects ??= []).Add(bytes);
        return bytes;
    }

    private object ReadAmf3Array(int depth)
    {
        var (inline, count) = ReadU29Ref();
        if (!inline) return ReferencedObject(count);
        if (count > _data.Length - _position) throw new AmfException($"AMF3 array of {count} elements in {_data.Length - _position} bytes");
        // An associative part first (name/value pairs up to the empty name), then the dense part.
        AmfObject? associative = null;
        var placeholder = new object();
        (_objects ??= []).Add(placeholder);
        var slot = _objects.Count - 1;
        while (true)
        {
            var name = ReadAmf3String();
            if (name.Length == 0) break;
            (associative ??= new AmfObject { IsEcmaArray = true }).Set(name, ReadAmf3(depth + 1));
        }
        if (associative is not null)
        {
            _objects[slot] = associative;
            for (var i = 0; i < count; i++) associative.Set(i.ToString(System.Globalization.CultureInfo.InvariantCulture), ReadAmf3(depth + 1));
            return associative;
        }
        var items = new object?[count];
        _objects[slot] = items;
        for (var i = 0; i < count; i++) items[i] = ReadAmf3(depth + 1);
        return items;
    }

    private object ReadAmf3Object(int depth)
    {
        var (inline, value) = ReadU29Ref();
        if (!inline) return ReferencedObject(value);
        Traits traits;
        if ((value & 1) == 0)
        {
            var index = value >> 1;
            if (_traits is null || index >= _traits.Count) throw new AmfException($"AMF3 traits reference {index} to nothing");
            traits = _traits[index];
        }
        else
        {
            if ((value & 2) != 0) throw new AmfException("AMF3 externalizable objects are not supported");
            var dynamic = (value & 4) != 0;
            var memberCount = value >> 3;
            if (memberCount > _data.Length - _position) throw new AmfException($"AMF3 object of {memberCount} members in {_data.Length - _position} bytes");
            var className = ReadAmf3String();
            var members = new string[memberCount];
            for (var i = 0; i < memberCount; i++) members[i] = ReadAmf3String();
            traits = new Traits(className.Length == 0 ? null : className, dynamic, members);
            (_traits ??= []).Add(traits);
        }
        var obj = new AmfObject { ClassName = traits.ClassName };
        (_objects ??= []).Add(obj);
        foreach (var member in traits.Members) obj.Set(member, ReadAmf3(depth + 1));
        if (traits.Dynamic)
        {
            while (true)
            {
                var name = ReadAmf3String();
                if (name.Length == 0) break;
                obj.Set(name, ReadAmf3(depth + 1));
            }
        }
        return obj;
    }
}
