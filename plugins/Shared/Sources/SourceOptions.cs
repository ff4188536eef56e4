using System.Globalization;
using System.Web;
using Sluice.Media.Streams;

namespace Sluice.Sources.Shared;

/// <summary>
/// Options of one input: <c>key=value</c> words after the URL on the <c>input</c> line, and (for
/// schemes whose query is not passed on to a server) the URL's query. The input line wins.
/// </summary>
internal sealed class SourceOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    private SourceOptions() { }

    public static SourceOptions From(SourceContext context, bool includeQuery)
    {
        var options = new SourceOptions();
        if (includeQuery && context.Url.Query.Length > 1)
        {
            var query = HttpUtility.ParseQueryString(context.Url.Query);
            foreach (var key in query.AllKeys)
            {
                if (key is not null && query[key] is { } value) options._values[key] = value;
            }
        }
        foreach (var (key, value) in context.Options) options._values[key] = value;
        return options;
    }

    public string? Get(string key) => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>An integer option within [min, max], or the default; a bad value is a clear error.</summary>
    public int GetInt(string key, int defaultValue, int min, int max)
    {
        var text = Get(key);
        if (text is null) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new FormatException($"option {key}={text}: expected an integer from {min} to {max}");
        return value;
    }

    /// <summary>A duration option in seconds (fractions allowed), or the default.</summary>
    public TimeSpan GetSeconds(string key, TimeSpan defaultValue)
    {
        var text = Get(key);
        if (text is null) return defaultValue;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 3600)
            throw new FormatException($"option {key}={text}: expected seconds between 0 and 3600");
        return TimeSpan.FromSeconds(seconds);
    }
}
