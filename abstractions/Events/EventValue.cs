using System.Globalization;
using System.Text.Json;

namespace Sluice.Abstractions.Events;

public enum EventValueKind : byte { Null, String, Integer, Number, Boolean, Json }

/// <summary>
/// A field value of an event: a string, number or boolean without boxing, or raw JSON for the
/// nested values an injected event may carry.
/// </summary>
public readonly struct EventValue : IEquatable<EventValue>
{
    private readonly string? _text;   // String and Json
    private readonly long _integer;   // Integer, Boolean (0/1)
    private readonly double _number;  // Number

    public EventValueKind Kind { get; }

    private EventValue(EventValueKind kind, string? text, long integer, double number)
    {
        Kind = kind; _text = text; _integer = integer; _number = number;
    }

    public static EventValue Null => default;
    public static EventValue From(string? s) => s is null ? default : new(EventValueKind.String, s, 0, 0);
    public static EventValue From(long n) => new(EventValueKind.Integer, null, n, 0);
    public static EventValue From(double n) => new(EventValueKind.Number, null, 0, n);
    public static EventValue From(bool b) => new(EventValueKind.Boolean, null, b ? 1 : 0, 0);
    /// <summary>Raw JSON text of an object or array, written as is.</summary>
    public static EventValue FromJson(string json) => new(EventValueKind.Json, json, 0, 0);

    public static implicit operator EventValue(string? s) => From(s);
    public static implicit operator EventValue(long n) => From(n);
    public static implicit operator EventValue(int n) => From(n);
    public static implicit operator EventValue(double n) => From(n);
    public static implicit operator EventValue(bool b) => From(b);

    public bool IsNull => Kind == EventValueKind.Null;
    public string? AsString => Kind == EventValueKind.String ? _text : null;
    public long AsInteger => _integer;
    public double AsNumber => Kind == EventValueKind.Integer ? _integer : _number;
    public bool AsBoolean => _integer != 0;

    /// <summary>
    /// Writes the value as its JSON text would read without quotes (<c>5</c>, <c>true</c>, <c>cbc</c>)
    /// into <paramref name="destination"/>; filters compare against this without allocating.
    /// </summary>
    public bool TryFormat(Span<char> destination, out int written)
    {
        switch (Kind)
        {
            case EventValueKind.String or EventValueKind.Json:
                written = _text!.Length;
                return _text.AsSpan().TryCopyTo(destination);
            case EventValueKind.Integer:
                return _integer.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
            case EventValueKind.Number:
                return _number.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
            case EventValueKind.Boolean:
                var b = _integer != 0 ? "true" : "false";
                written = b.Length;
                return b.AsSpan().TryCopyTo(destination);
            default:
                written = 4;
                return "null".AsSpan().TryCopyTo(destination);
        }
    }

    /// <summary>True when the value's text (as a filter sees it) equals <paramref name="text"/>.</summary>
    public bool TextEquals(ReadOnlySpan<char> text)
    {
        if (Kind is EventValueKind.String or EventValueKind.Json) return text.SequenceEqual(_text);
        Span<char> buffer = stackalloc char[32];
        return TryFormat(buffer, out var n) && buffer[..n].SequenceEqual(text);
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case EventValueKind.String: writer.WriteStringValue(_text); break;
            case EventValueKind.Integer: writer.WriteNumberValue(_integer); break;
            case EventValueKind.Number: writer.WriteNumberValue(_number); break;
            case EventValueKind.Boolean: writer.WriteBooleanValue(_integer != 0); break;
            case EventValueKind.Json: writer.WriteRawValue(_text!, skipInputValidation: true); break;
            default: writer.WriteNullValue(); break;
        }
    }

    /// <summary>The value as a plain .NET object (string, long, double, bool, JsonElement or null).</summary>
    public object? ToObject() => Kind switch
    {
        EventValueKind.String => _text,
        EventValueKind.Integer => _integer,
        EventValueKind.Number => _number,
        EventValueKind.Boolean => _integer != 0,
        EventValueKind.Json => JsonDocument.Parse(_text!).RootElement.Clone(),
        _ => null,
    };

    public override string ToString()
    {
        Span<char> buffer = stackalloc char[32];
        return Kind is EventValueKind.String or EventValueKind.Json ? _text!
            : TryFormat(buffer, out var n) ? new string(buffer[..n]) : "";
    }

    public bool Equals(EventValue other) =>
        Kind == other.Kind && _integer == other._integer && _number.Equals(other._number) && _text == other._text;

    public override bool Equals(object? obj) => obj is EventValue v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Kind, _text, _integer, _number);
}

/// <summary>A named field of an event beyond the common ones.</summary>
public readonly record struct EventField(string Name, EventValue Value);
