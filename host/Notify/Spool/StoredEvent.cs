using System.Text;
using System.Text.Json;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Notify.Spool;

/// <summary>
/// Reads an event back from the JSON a spool stored (the event's own JSON, written by
/// <see cref="SluiceEvent.Utf8Json"/>): same id, time, fields and field order, so its JSON is the same
/// bytes again. Values keep their kind (strings, whole numbers, numbers, booleans, nested JSON as is).
/// </summary>
internal static class StoredEvent
{
    /// <summary>Null when <paramref name="json"/> is not an event object (a damaged record passed its checksum: never expected).</summary>
    public static SluiceEvent? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? name = null, id = null, server = null, media = null, group = null;
            long utcMs = 0;
            var level = EventLevel.Info;
            List<EventField>? fields = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "event": name = reader.GetString(); break;
                    case "id": id = reader.GetString(); break;
                    case "utc_ms": utcMs = reader.GetInt64(); break;
                    case "server": server = reader.GetString(); break;
                    case "level": EventLevels.TryParse(reader.GetString(), out level); break;
                    case "media" when media is null && reader.TokenType == JsonTokenType.String: media = reader.GetString(); break;
                    case "group" when group is null && reader.TokenType == JsonTokenType.String: group = reader.GetString(); break;
                    default: (fields ??= []).Add(new(key, Value(ref reader, json))); break;
                }
            }
            return name is null || id is null ? null : new SluiceEvent(name, id, utcMs, server ?? "", level, media, group, fields?.ToArray());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static EventValue Value(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.Number: return reader.TryGetInt64(out var n) ? EventValue.From(n) : EventValue.From(reader.GetDouble());
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.Null: return EventValue.Null;
            default:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                var end = (int)reader.BytesConsumed;
                return EventValue.FromJson(Encoding.UTF8.GetString(json[start..end]));
        }
    }
}
