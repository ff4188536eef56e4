using System.Text.Json;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>The host's log:// sink file (one JSON event a line), read while the host writes it.</summary>
internal static class EventLog
{
    public static async Task<JsonElement[]> ReadAsync(string path)
    {
        if (!File.Exists(path)) return [];
        await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = await new StreamReader(s).ReadToEndAsync();
        var events = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try { events.Add(JsonDocument.Parse(line).RootElement.Clone()); }
            catch (JsonException) { } // the line being written
        }
        return [.. events];
    }

    public static async Task<JsonElement[]> WaitForAsync(string path, Func<JsonElement, bool> match, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        JsonElement[] events = [];
        while (DateTime.UtcNow < deadline)
        {
            events = await ReadAsync(path);
            if (events.Any(match)) return events;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no {what} within {timeoutSeconds} s; events: {string.Join(", ", events.Select(Describe))}");
    }

    public static async Task<JsonElement[]> WaitForCountAsync(string path, Func<JsonElement, bool> match, int count, string what, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        JsonElement[] events = [];
        while (DateTime.UtcNow < deadline)
        {
            events = await ReadAsync(path);
            if (events.Count(match) >= count) return events;
            await Task.Delay(200);
        }
        throw new TimeoutException($"not {count} x {what} within {timeoutSeconds} s; events: {string.Join(", ", events.Select(Describe))}");
    }

    public static Func<JsonElement, bool> Is(string name, string? media = null) => e =>
        Str(e, "event") == name && (media is null || Str(e, "media") == media);

    public static string? Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var p) ? p.ValueKind == JsonValueKind.String ? p.GetString() : p.ToString() : null;

    public static string[] Names(IEnumerable<JsonElement> events, string media) =>
        events.Where(e => Str(e, "media") == media).Select(e => Str(e, "event")!).ToArray();

    private static string Describe(JsonElement e) => $"{Str(e, "event")}({Str(e, "media")})";
}
