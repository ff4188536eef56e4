namespace Sluice.Host.Configuration;

/// <summary>Suggests the known name nearest a misspelt one (optimal string alignment distance).</summary>
internal static class DidYouMean
{
    private const int MaxNameLength = 64;

    /// <summary>The nearest candidate within distance 2 (1 for short names), or null.</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        if (name.Length == 0 || name.Length > MaxNameLength) return null;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            if (c.Length > MaxNameLength) continue;
            var limit = Math.Min(c.Length, name.Length) <= 3 ? 1 : 2;
            var d = string.Equals(c, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, c);
            if (d <= limit && d < bestDistance || d == bestDistance && d <= limit && string.CompareOrdinal(c, best) < 0)
            {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /// <summary>Appends "; did you mean 'x'?" when there is a suggestion.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Suggest(name, candidates) is { } s ? $"; did you mean '{s}'?" : "";

    /// <summary>Edits (insert, delete, substitute, swap of neighbours) turning <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var prev2 = new int[b.Length + 1];
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, prev2[j - 2] + 1);
                cur[j] = v;
            }
            (prev2, prev, cur) = (prev, cur, prev2);
        }
        return prev[b.Length];
    }
}
