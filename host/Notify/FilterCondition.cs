using System.Collections.Frozen;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify;

/// <summary>
/// One <c>key=value</c> pair of an only/except line: the field must be present and equal one of the
/// values (as its JSON text reads: <c>count=5</c> matches 5, <c>flag=true</c> matches true);
/// <c>key=*</c> only asks that the field be present.
/// </summary>
internal sealed class FilterCondition
{
    // Above this many values a frozen set beats comparing the strings one by one.
    private const int LinearValues = 8;

    private readonly string[] _values;
    private readonly FrozenSet<string>? _valueSet;

    public FilterCondition(string key, IReadOnlyList<string> values, bool anyValue)
    {
        Key = key;
        Field = FieldOf(key);
        _values = values.ToArray();
        if (_values.Length > LinearValues) _valueSet = _values.ToFrozenSet(StringComparer.Ordinal);
        AnyValue = anyValue;
    }

    public string Key { get; }
    public FilterField Field { get; }
    public bool AnyValue { get; }

    public IReadOnlyList<string> Values => _values;

    public static FilterCondition From(ConfigArgument argument) =>
        new(argument.Key!, argument.Values, !argument.Quoted && argument.Values is ["*"]);

    public bool Matches(in EventView view)
    {
        if (Field <= FilterField.Server)
        {
            // A common field is a string already resolved in the view: ordinal equality, no EventValue.
            var text = view.Text(Field);
            return text is not null && (AnyValue || IsOneOfValues(text));
        }
        if (!view.TryGet(Field, Key, out var value)) return false;
        if (AnyValue) return true;
        if (value.AsString is { } s) return IsOneOfValues(s);
        foreach (var v in _values)
        {
            if (value.TextEquals(v)) return true;
        }
        return false;
    }

    private bool IsOneOfValues(string text)
    {
        if (_valueSet is not null) return _valueSet.Contains(text);
        foreach (var v in _values)
        {
            if (string.Equals(text, v)) return true;
        }
        return false;
    }

    public static FilterField FieldOf(string key) => key switch
    {
        "event" => FilterField.Event,
        "media" => FilterField.Media,
        "group" => FilterField.Group,
        "level" => FilterField.Level,
        "server" => FilterField.Server,
        "id" => FilterField.Id,
        "utc_ms" => FilterField.UtcMs,
        _ => FilterField.Other,
    };
}
