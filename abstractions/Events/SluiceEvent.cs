using System.Buffers;
using System.Text.Json;

namespace Sluice.Abstractions.Events;

/// <summary>
/// An emitted event: a flat JSON object with the common fields (<c>event</c>, <c>id</c>,
/// <c>utc_ms</c>, <c>server</c>, <c>level</c>, <c>group</c>, <c>media</c>) and its own fields.
/// Immutable and shared by every block that receives it; its JSON is written once and cached.
/// </summary>
public sealed class SluiceEvent
{
    private byte[]? _json;

    public SluiceEvent(string name, string id, long utcMs, string server, EventLevel level,
        string? media = null, string? group = null, EventField[]? fields = null)
    {
        Name = name; Id = id; UtcMs = utcMs; Server = server; Level = level;
        Media = media; Group = group; Fields = fields ?? [];
    }

    public string Name { get; }
    public string Id { get; }
    public long UtcMs { get; }
    public string Server { get; }
    public EventLevel Level { get; }
    public string? Media { get; }
    public string? Group { get; }

    /// <summary>Fields beyond the common ones, in the order they were given.</summary>
    public IReadOnlyList<EventField> Fields { get; }

    /// <summary>Any field by its JSON name, common ones included.</summary>
    public bool TryGet(string key, out EventValue value)
    {
        switch (key)
        {
            case "event": value = Name; return true;
            case "id": value = Id; return true;
            case "utc_ms": value = UtcMs; return true;
            case "server": value = Server; return true;
            case "level": value = Level.ToName(); return true;
            case "media": value = Media; return Media is not null;
            case "group": value = Group; return Group is not null;
        }
        foreach (var f in Fields)
        {
            if (f.Name == key) { value = f.Value; return !value.IsNull; }
        }
        value = default;
        return false;
    }

    public EventValue this[string key] => TryGet(key, out var v) ? v : default;

    /// <summary>Every field, common ones first, as (name, value) pairs.</summary>
    public IEnumerable<EventField> AllFields()
    {
        yield return new("event", Name);
        yield return new("id", Id);
        yield return new("utc_ms", UtcMs);
        yield return new("server", Server);
        yield return new("level", Level.ToName());
        if (Group is not null) yield return new("group", Group);
        if (Media is not null) yield return new("media", Media);
        foreach (var f in Fields) yield return f;
    }

    public void WriteTo(Utf8JsonWriter writer) => writer.WriteRawValue(Utf8Json.Span, skipInputValidation: true);

    /// <summary>The event as UTF-8 JSON, built on first use and cached.</summary>
    public ReadOnlyMemory<byte> Utf8Json => _json ??= BuildJson();

    public string ToJson() => System.Text.Encoding.UTF8.GetString(Utf8Json.Span);

    public override string ToString() => ToJson();

    private byte[] BuildJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var f in AllFields())
            {
                w.WritePropertyName(f.Name);
                f.Value.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
