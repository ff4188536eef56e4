using System.Text;
using System.Text.Json;
using System.Text.Unicode;
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
    /// <summary>Longest injected event name; names are <see cref="IsValidName">letters, digits and _-.:</see>.</summary>
    public const int MaxNameLength = 64;

    public static IReadOnlyList<SluiceEvent>? TryParse(ReadOnlySpan<byte> json, string server, out string? error, bool catalogDefaults = false)
    {
        if (!Utf8.IsValid(json))
        {
            error = $"the body is not valid UTF-8 (first bad byte at offset {FirstInvalidUtf8(json)})";
            return null;
        }
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
            var keys = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < items.Length; i++)
            {
                var where = root.ValueKind == JsonValueKind.Array ? $"item {i}: " : "";
                if (ParseOne(items[i], server, catalogDefaults, keys, out error) is not { } e) { error = where + error; return null; }
                events[i] = e;
            }
            error = null;
            return events;
        }
    }

    public static IReadOnlyList<SluiceEvent>? TryParse(string json, string server, out string? error, bool catalogDefaults = false) =>
        TryParse(System.Text.Encoding.UTF8.GetBytes(json), server, out error, catalogDefaults);

    private static SluiceEvent? ParseOne(JsonElement item, string server, bool catalogDefaults, HashSet<string> keys, out string? error)
    {
        if (item.ValueKind != JsonValueKind.Object) { error = $"an event must be a JSON object, got {Kind(item)}"; return null; }
        var e = new Parsed { Server = server };
        keys.Clear();
        foreach (var p in item.EnumerateObject())
        {
            string key;
            try { key = p.Name; }
            catch (InvalidOperationException) { error = "a field name holds a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)"; return null; }
            // Every emitted event has unique keys: a receiver's JSON parser would keep one of two at random.
            if (!keys.Add(key)) { error = $"{Shown(key)} appears twice in one event"; return null; }
            try
            {
                error = e.Add(key, p.Value);
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json refuses to turn an escaped lone surrogate ("\ud800") into a string.
                error = $"'{key}' holds a lone UTF-16 surrogate (\\ud800-\\udfff without its pair)";
            }
            if (error is not null) return null;
        }
        if (e.Name is not { } name) { error = "missing 'event' field (the event name, e.g. \"event\": \"stream_started\")"; return null; }
        var definition = catalogDefaults ? EventCatalog.Find(name) : null;
        error = null;
        return new SluiceEvent(name, e.Id ?? EventIds.Next(), e.UtcMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), e.Server,
            e.Level ?? definition?.Level ?? EventLevel.Info, e.Media, e.Group ?? definition?.Group, e.Fields.ToArray());
    }

    /// <summary>One event's parts while its JSON object is read.</summary>
    private sealed class Parsed
    {
        public string? Name, Id, Media, Group;
        public required string Server;
        public long? UtcMs;
        public EventLevel? Level;
        public readonly List<EventField> Fields = [];

        /// <summary>Takes one member; returns the problem, or null.</summary>
        public string? Add(string key, JsonElement v)
        {
            switch (key)
            {
                case "event":
                    if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } n) return "'event' must be a non-empty string";
                    if (!IsValidName(n)) return $"'event' may hold only letters, digits, '_', '-', '.' and ':' (at most {MaxNameLength}), got {Shown(n)}";
                    Name = n;
                    break;
                case "id":
                    if (v.ValueKind == JsonValueKind.String) Id = v.GetString();
                    else if (v.ValueKind == JsonValueKind.Number) Id = v.GetRawText();
                    else return "'id' must be a string";
                    break;
                case "utc_ms":
                    if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var ms)) return "'utc_ms' must be a whole number of milliseconds";
                    UtcMs = ms;
                    break;
                case "server":
                    if (v.ValueKind != JsonValueKind.String) return "'server' must be a string";
                    Server = v.GetString()!;
                    break;
                case "level":
                    if (v.ValueKind != JsonValueKind.String || !EventLevels.TryParse(v.GetString(), out var l))
                        return $"'level' must be one of {string.Join(", ", EventLevels.All)}, got {Shown(v)}";
                    Level = l;
                    break;
                case "media" or "group":
                    if (v.ValueKind == JsonValueKind.Null) break;
                    if (v.ValueKind != JsonValueKind.String) return $"'{key}' must be a string";
                    if (key == "media") Media = v.GetString(); else Group = v.GetString();
                    break;
                default:
                    Fields.Add(new(key, Value(v)));
                    break;
            }
            return null;
        }
    }

    /// <summary>Event names as the catalog spells them: 1 to 64 letters, digits, '_', '-', '.' or ':' (nothing that could forge a log line).</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length is 0 or > MaxNameLength) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':')) return false;
        }
        return true;
    }

    /// <summary>A given value as JSON (escapes visible), cut to 40 characters.</summary>
    private static string Shown(string value) =>
        JsonSerializer.Serialize(value.Length > 40 ? value[..40] + "..." : value, ShownJson);

    private static string Shown(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? Shown(value.GetString()!) : value.GetRawText() is { Length: <= 40 } raw ? raw : Kind(value);

    private static readonly JsonSerializerOptions ShownJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
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
