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
    private readonly string[] _values;

    public FilterCondition(string key, IReadOnlyList<string> values, bool anyValue)
    {
        Key = key;
        Field = FieldOf(key);
        _values = values.ToArray();
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
        if (!view.TryGet(Field, Key, out var value)) return false;
        if (AnyValue) return true;
        if (value.Kind == EventValueKind.String)
        {
            var text = value.AsString.AsSpan();
            foreach (var v in _values)
            {
                if (text.SequenceEqual(v)) return true;
            }
            return false;
        }
        foreach (var v in _values)
        {
            if (value.TextEquals(v)) return true;
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
