using System.Text.Json;

namespace Sluice.Host.Tests.Support;

/// <summary>Reads a log:// sink's JSON lines (written by the real host) as events.</summary>
internal static class EventLog
{
    public static async Task<JsonElement[]> ReadAsync(string path)
    {
        if (!File.Exists(path)) return [];
        await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = await new StreamReader(s).ReadToEndAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => { AssertUniqueKeys(l); return JsonDocument.Parse(l).RootElement.Clone(); }).ToArray();
    }

    /// <summary>
    /// Every event the host emits has unique keys (a receiver's parser would keep one of two at random): checked on
    /// every line any process test reads from a log sink.
    /// </summary>
    public static void AssertUniqueKeys(string json)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && !keys.Add(reader.GetString()!))
                Assert.Fail($"key '{reader.GetString()}' appears twice in an emitted event: {json}");
        }
    }

    public static string[] Names(IEnumerable<JsonElement> events) =>
        events.Select(e => e.GetProperty("event").GetString()!).ToArray();

    /// <summary>Waits until the log holds an event satisfying <paramref name="match"/>; returns all events read.</summary>
    public static async Task<JsonElement[]> WaitForAsync(string path, Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement[] events = [];
        while (DateTime.UtcNow < deadline)
        {
            events = await ReadAsync(path);
            if (events.Any(match)) return events;
            await Task.Delay(200);
        }
        throw new TimeoutException($"no {what} within {timeout}; events: {string.Join(", ", Names(events))}");
    }

    public static Func<JsonElement, bool> Is(string name, string? media = null) => e =>
        e.GetProperty("event").GetString() == name
        && (media is null || (e.TryGetProperty("media", out var m) && m.GetString() == media));
}
