using System.Text;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>Turns an atom into a <see cref="ConfigArgument"/>: a positional value or <c>key=v1,v2</c>.</summary>
internal static class ArgumentParser
{
    public static ConfigArgument? Parse(ConfigToken token, IConfigDiagnostics diagnostics)
    {
        var pieces = token.Pieces;
        // A '#' inside a bare word is a plain character, but ConfigArgument.Text writes such a value quoted:
        // count it as quoted so that Text reads back to the same Text.
        var quoted = false;
        foreach (var p in pieces) quoted |= p.Quoted || p.Text.Contains('#');
        var first = pieces[0];
        var eq = first.Quoted ? -1 : first.Text.IndexOf('=');
        if (eq == 0)
        {
            diagnostics.Error(token.Location, pieces.Count == 1 && first.Text.Length == 1
                ? "stray '=' (write key=value without spaces)"
                : $"empty key in '{token.Raw}' (write key=value)");
            return null;
        }
        if (eq < 0 || !IsKey(first.Text.AsSpan(0, eq)))
        {
            if (pieces.Count == 1) return new ConfigArgument(null, [first.Text], quoted, token.Location);
            var sb = new StringBuilder();
            foreach (var p in pieces) sb.Append(p.Text);
            return new ConfigArgument(null, [sb.ToString()], quoted, token.Location);
        }
        var values = SplitValues(first.Text[(eq + 1)..], pieces, out var emptyBare);
        if (emptyBare)
        {
            diagnostics.Error(token.Location, $"missing value in '{token.Raw}' (write key=value or key=\"\")");
            return null;
        }
        return new ConfigArgument(first.Text[..eq], values, quoted, token.Location);
    }

    /// <summary>Values split on commas outside quotes; quoted pieces join the value they touch.</summary>
    private static List<string> SplitValues(string firstRest, IReadOnlyList<AtomPiece> pieces, out bool emptyBare)
    {
        var values = new List<string>(1);
        var current = new StringBuilder();
        var currentQuoted = false;
        emptyBare = false;
        void Push(ref bool empty)
        {
            if (current.Length == 0 && !currentQuoted) empty = true;
            values.Add(current.ToString());
            current.Clear();
            currentQuoted = false;
        }
        void AddBare(string s, ref bool empty)
        {
            var start = 0;
            for (var comma = s.IndexOf(','); comma >= 0; comma = s.IndexOf(',', start))
            {
                current.Append(s, start, comma - start);
                Push(ref empty);
                start = comma + 1;
            }
            current.Append(s, start, s.Length - start);
        }
        AddBare(firstRest, ref emptyBare);
        for (var i = 1; i < pieces.Count; i++)
        {
            if (pieces[i].Quoted) { current.Append(pieces[i].Text); currentQuoted = true; }
            else AddBare(pieces[i].Text, ref emptyBare);
        }
        Push(ref emptyBare);
        return values;
    }

    /// <summary>Keys are identifiers (<c>event</c>, <c>capture_at</c>, <c>misses</c>); <c>http://a?x=1</c> is a word.</summary>
    private static bool IsKey(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        }
        return true;
    }
}
