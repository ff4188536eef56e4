using System.Text;
using Sluice.Abstractions.Configuration;

namespace Sluice.Notify.Tests.Support;

/// <summary>
/// A minimal reader of the configuration language for tests (words, quoted strings, key=v1,v2,
/// blocks, comments), until the tests switch to the host's parser.
/// </summary>
internal static class ConfText
{
    public static IReadOnlyList<ConfigDirective> Parse(string text, string file = "test.conf")
    {
        var tokens = Tokenize(text, file);
        var pos = 0;
        var result = ParseList(tokens, ref pos, file);
        if (pos != tokens.Count) throw new FormatException($"unexpected '{tokens[pos].Text}' at {tokens[pos].Location}");
        return result;
    }

    private sealed record Token(string Text, bool Quoted, bool Symbol, SourceLocation Location);

    private static List<ConfigDirective> ParseList(List<Token> tokens, ref int pos, string file)
    {
        var list = new List<ConfigDirective>();
        while (pos < tokens.Count && !(tokens[pos].Symbol && tokens[pos].Text == "}"))
        {
            var name = tokens[pos++];
            var args = new List<ConfigArgument>();
            while (pos < tokens.Count && !tokens[pos].Symbol) args.Add(Argument(tokens[pos++]));
            if (pos >= tokens.Count) throw new FormatException($"missing ';' after '{name.Text}'");
            var t = tokens[pos++];
            if (t.Text == ";") { list.Add(new(name.Text, args, null, name.Location)); continue; }
            if (t.Text != "{") throw new FormatException($"unexpected '{t.Text}' at {t.Location}");
            var block = ParseList(tokens, ref pos, file);
            pos++; // }
            list.Add(new(name.Text, args, block, name.Location));
        }
        return list;
    }

    private static ConfigArgument Argument(Token t)
    {
        if (t.Quoted) return new(null, [t.Text], true, t.Location);
        var eq = t.Text.IndexOf('=');
        if (eq <= 0) return new(null, [t.Text], false, t.Location);
        var values = SplitValues(t.Text[(eq + 1)..], out var quoted);
        return new(t.Text[..eq], values, quoted, t.Location);
    }

    private static List<string> SplitValues(string s, out bool quoted)
    {
        var values = new List<string>();
        var sb = new StringBuilder();
        quoted = false;
        var inQuote = false;
        foreach (var c in s)
        {
            if (c == '"') { inQuote = !inQuote; quoted = true; continue; }
            if (c == ',' && !inQuote) { values.Add(sb.ToString()); sb.Clear(); continue; }
            sb.Append(c);
        }
        values.Add(sb.ToString());
        return values;
    }

    private static List<Token> Tokenize(string text, string file)
    {
        var tokens = new List<Token>();
        int line = 1, col = 1, i = 0;
        void Advance() { if (text[i] == '\n') { line++; col = 1; } else col++; i++; }
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { Advance(); continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') Advance(); continue; }
            var loc = new SourceLocation(file, line, col);
            if (c is ';' or '{' or '}') { tokens.Add(new(c.ToString(), false, true, loc)); Advance(); continue; }
            var sb = new StringBuilder();
            if (c == '"')
            {
                Advance();
                while (i < text.Length && text[i] != '"') { if (text[i] == '\\') Advance(); sb.Append(text[i]); Advance(); }
                Advance();
                tokens.Add(new(sb.ToString(), true, false, loc));
                continue;
            }
            var inQuote = false;
            while (i < text.Length && (inQuote || !(char.IsWhiteSpace(text[i]) || text[i] is ';' or '{' or '}')))
            {
                if (text[i] == '"') inQuote = !inQuote;
                sb.Append(text[i]);
                Advance();
            }
            tokens.Add(new(sb.ToString(), false, false, loc));
        }
        return tokens;
    }
}
