namespace Sluice.Media.Amf;

/// <summary>
/// An AMF object, ECMA array or typed object: properties in the order they were written (RTMP peers
/// read command objects by name, but some compare the order of what they are sent).
/// </summary>
public sealed class AmfObject
{
    private readonly List<KeyValuePair<string, object?>> _properties = [];

    /// <summary>The class name of a typed object (AMF0 typed object, AMF3 sealed traits); null for anonymous objects.</summary>
    public string? ClassName { get; init; }

    /// <summary>True when read from (or to be written as) an ECMA array rather than an object.</summary>
    public bool IsEcmaArray { get; init; }

    /// <summary>The properties in order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties => _properties;

    /// <summary>Number of properties.</summary>
    public int Count => _properties.Count;

    /// <summary>Adds (or replaces) a property and returns this object, for initializers.</summary>
    public AmfObject Set(string name, object? value)
    {
        for (var i = 0; i < _properties.Count; i++)
        {
            if (_properties[i].Key != name) continue;
            _properties[i] = new(name, value);
            return this;
        }
        _properties.Add(new(name, value));
        return this;
    }

    /// <summary>The value of <paramref name="name"/>, or null when absent.</summary>
    public object? this[string name] => TryGet(name, out var value) ? value : null;

    /// <summary>Looks a property up by name.</summary>
    public bool TryGet(string name, out object? value)
    {
        foreach (var p in _properties)
        {
            if (p.Key != name) continue;
            value = p.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>A string property, or null when absent or not a string.</summary>
    public string? String(string name) => this[name] as string;

    /// <summary>A number property, or null when absent or not a number.</summary>
    public double? Number(string name) => this[name] is double d ? d : null;
}

/// <summary>AMF's <c>undefined</c> (distinct from <c>null</c>).</summary>
public sealed class AmfUndefined
{
    /// <summary>The one value.</summary>
    public static readonly AmfUndefined Value = new();

    private AmfUndefined() { }

    /// <inheritdoc />
    public override string ToString() => "undefined";
}
