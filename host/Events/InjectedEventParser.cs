using System.Text.Json;
using Sluice.Abstractions.Events;

namespace Sluice.Host.Events;

/// <summary>
/// Turns JSON from <c>POST /api/v1/events</c> (one object or an array of them) into events.
/// Fills <c>id</c>, <c>utc_ms</c> and <c>server</c> when absent; level defaults to info (or, for
/// <c>explain</c>, to the catalog's level and group); every other field is kept: strings, numbers
/// and booleans as such, nested objects and arrays as raw JSON.
/// </summary>
internal static class InjectedEventParser
{
    public const int MaxEvents = 10_000;

    /// <summary>Parses <paramref name="json"/>; on failure returns null and a message fit for a 400 answer.</summary>
    public static IReadOnlyList<SluiceEvent>? TryParse(ReadOnlySpan<byte> json, string server, out string? error, bool catalogDefaults = false)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            error = $"malformed JSON: {e.Message}";
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root];
            if (root.ValueKind == JsonValueKind.Array && items.Length == 0) { error = "expected at least one event, got an empty array"; return null; }
            if (items.Length > MaxEvents) { error = $"at most {MaxEvents} events per request, got {items.Length}"; return null; }
            var events = new SluiceEvent[items.Length];
            for (var i = 0; i < items.Length; i++)
            {
                var where = root.ValueKind == JsonValueKind.Array ? $"item {i}: " : "";
                if (ParseOne(items[i], server, catalogDefaults, out error) is not { } e) { error = where + error; return null; }
                events[i] = e;
            }
            error = null;
            return events;
        }
    }

    public static IReadOnlyList<SluiceEvent>? TryParse(string json, string server, out string? error, bool catalogDefaults = false) =>
        TryParse(System.Text.Encoding.UTF8.GetBytes(json), server, out error, catalogDefaults);

    private static SluiceEvent? ParseOne(JsonElement item, string server, bool catalogDefaults, out string? error)
    {
        if (item.ValueKind != JsonValueKind.Object) { error = $"an event must be a JSON object, got {Kind(item)}"; return null; }
        string? name = null, id = null, media = null, group = null;
        long? utcMs = null;
        EventLevel? level = null;
        var fields = new List<EventField>();
        foreach (var p in item.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "event":
                    if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } n) { error = "'event' must be a non-empty string"; return null; }
                    name = n;
                    break;
                case "id":
                    if (v.ValueKind == JsonValueKind.String) id = v.GetString();
                    else if (v.ValueKind == JsonValueKind.Number) id = v.GetRawText();
                    else { error = "'id' must be a string"; return null; }
                    break;
                case "utc_ms":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var ms)) { error = "'utc_ms' must be a whole number of milliseconds"; return null; }
                    utcMs = ms;
                    break;
                case "server":
                    if (v.ValueKind != JsonValueKind.String) { error = "'server' must be a string"; return null; }
                    server = v.GetString()!;
                    break;
                case "level":
                    if (v.ValueKind != JsonValueKind.String || !EventLevels.TryParse(v.GetString(), out var l))
                    {
                        error = $"'level' must be one of {string.Join(", ", EventLevels.All)}";
                        return null;
                    }
                    level = l;
                    break;
                case "media" or "group":
                    if (v.ValueKind == JsonValueKind.Null) break;
                    if (v.ValueKind != JsonValueKind.String) { error = $"'{p.Name}' must be a string"; return null; }
                    if (p.Name == "media") media = v.GetString(); else group = v.GetString();
                    break;
                default:
                    fields.Add(new(p.Name, Value(v)));
                    break;
            }
        }
        if (name is null) { error = "missing 'event' field (the event name, e.g. \"event\": \"stream_started\")"; return null; }
        var definition = catalogDefaults ? EventCatalog.Find(name) : null;
        error = null;
        return new SluiceEvent(name, id ?? EventIds.Next(), utcMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), server,
            level ?? definition?.Level ?? EventLevel.Info, media, group ?? definition?.Group, fields.ToArray());
    }

    private static EventValue Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => EventValue.From(v.GetString()),
        JsonValueKind.Number => v.TryGetInt64(out var n) ? EventValue.From(n) : EventValue.From(v.GetDouble()),
        JsonValueKind.True => EventValue.From(true),
        JsonValueKind.False => EventValue.From(false),
        JsonValueKind.Null => EventValue.Null,
        _ => EventValue.FromJson(v.GetRawText()),
    };

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };
}
