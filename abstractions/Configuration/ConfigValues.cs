using System.Globalization;

namespace Sluice.Abstractions.Configuration;

/// <summary>Parsing of the value forms the configuration language shares: sizes, durations, booleans, numbers.</summary>
public static class ConfigValues
{
    /// <summary><c>500</c>, <c>10K</c>, <c>40G</c>, <c>2T</c> (binary multiples) to bytes.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrEmpty(text)) return false;
        long mult = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1,
        };
        var digits = mult == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        try { bytes = checked(n * mult); return true; } catch (OverflowException) { return false; }
    }

    /// <summary><c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>2d</c>; a bare number is in <paramref name="bareUnit"/>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration, TimeSpan? bareUnit = null)
    {
        duration = default;
        if (string.IsNullOrEmpty(text)) return false;
        var (digits, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase)
            ? (text[..^2], TimeSpan.FromMilliseconds(1))
            : char.ToLowerInvariant(text[^1]) switch
            {
                's' => (text[..^1], TimeSpan.FromSeconds(1)),
                'm' => (text[..^1], TimeSpan.FromMinutes(1)),
                'h' => (text[..^1], TimeSpan.FromHours(1)),
                'd' => (text[..^1], TimeSpan.FromDays(1)),
                _ => (text, bareUnit ?? TimeSpan.FromSeconds(1)),
            };
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
        if (n * unit.TotalSeconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        duration = TimeSpan.FromTicks((long)(n * unit.Ticks));
        return true;
    }

    /// <summary><c>true/false</c>, <c>yes/no</c>, <c>on/off</c>, <c>1/0</c>.</summary>
    public static bool TryParseBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "1": value = true; return true;
            case "false" or "no" or "off" or "0": value = false; return true;
            default: value = false; return false;
        }
    }

    public static bool TryParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
