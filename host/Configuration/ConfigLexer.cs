using System.Text;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// Splits configuration text into tokens in one pass. <c>;</c>, <c>{</c>, <c>}</c> and whitespace separate
/// atoms; <c>#</c> at the start of a token comments to the end of the line (inside a word it is a plain
/// character, so <c>http://a/b#x</c> stays whole); <c>"..."</c> (with backslash escapes) and <c>'...'</c>
/// are quoted pieces and may span lines. Never throws; problems go to the diagnostics.
/// </summary>
internal sealed class ConfigLexer(string text, string file, IConfigDiagnostics diagnostics)
{
    private const int MaxRawLength = 40;

    private int _pos = text.StartsWith('\uFEFF') ? 1 : 0; // a byte order mark is not part of the first directive
    private int _line = 1;
    private int _col = 1;

    public ConfigToken Next()
    {
        SkipTrivia();
        if (_pos >= text.Length) return new ConfigToken(ConfigTokenKind.End, Here(), _line, _col) { Raw = "end of file" };
        var c = text[_pos];
        var kind = c switch
        {
            ';' => ConfigTokenKind.Semicolon,
            '{' => ConfigTokenKind.OpenBrace,
            '}' => ConfigTokenKind.CloseBrace,
            _ => ConfigTokenKind.Atom,
        };
        if (kind != ConfigTokenKind.Atom)
        {
            var token = new ConfigToken(kind, Here(), _line, _col) { Raw = c.ToString() };
            Advance();
            return token;
        }
        return ReadAtom();
    }

    private SourceLocation Here() => new(file, _line, _col);

    private void Advance()
    {
        if (text[_pos] == '\n') { _line++; _col = 1; }
        else _col++;
        _pos++;
    }

    private void SkipTrivia()
    {
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '#')
            {
                while (_pos < text.Length && text[_pos] != '\n') Advance();
            }
            else if (char.IsWhiteSpace(c)) Advance();
            else return;
        }
    }

    private static bool EndsAtom(char c) => char.IsWhiteSpace(c) || c is ';' or '{' or '}';

    private ConfigToken ReadAtom()
    {
        var start = Here();
        var startPos = _pos;
        var pieces = new List<AtomPiece>(1);
        int endLine = _line, endCol = _col;
        var broken = false;
        while (_pos < text.Length && !EndsAtom(text[_pos]))
        {
            if (text[_pos] is '"' or '\'')
            {
                var piece = ReadQuoted(out var ok);
                pieces.Add(piece);
                if (!ok) { broken = true; break; }
                endLine = _line; endCol = _col - 1;
            }
            else
            {
                var from = _pos;
                while (_pos < text.Length && !EndsAtom(text[_pos]) && text[_pos] is not ('"' or '\'')) Advance();
                pieces.Add(new AtomPiece(text[from.._pos], false));
                endLine = _line; endCol = _col - 1;
            }
        }
        var rawEnd = Math.Min(_pos, startPos + MaxRawLength);
        var raw = text[startPos..rawEnd].ReplaceLineEndings(" ");
        if (rawEnd < _pos) raw += "...";
        return new ConfigToken(ConfigTokenKind.Atom, start, endLine, endCol) { Pieces = pieces, Raw = raw, Broken = broken };
    }

    /// <summary>
    /// Reads a quoted piece. An unterminated string is reported at its opening quote; lexing resumes at the
    /// line after it, so the rest of the file is still checked.
    /// </summary>
    private AtomPiece ReadQuoted(out bool ok)
    {
        var quote = text[_pos];
        var open = Here();
        var openPos = _pos;
        Advance();
        var sb = new StringBuilder();
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == quote)
            {
                Advance();
                ok = true;
                return new AtomPiece(sb.ToString(), true);
            }
            if (c == '\\' && quote == '"' && _pos + 1 < text.Length)
            {
                var e = text[_pos + 1];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    default: sb.Append('\\').Append(e); break; // kept as written: "C:\dir"
                }
                Advance();
                Advance();
                continue;
            }
            sb.Append(c);
            Advance();
        }
        diagnostics.Error(open, $"unterminated string (opened with {quote} here)");
        RewindToLineAfter(openPos, open.Line);
        ok = false;
        return new AtomPiece("", true);
    }

    private void RewindToLineAfter(int pos, int line)
    {
        var nl = text.IndexOf('\n', pos);
        if (nl < 0) { _pos = text.Length; return; }
        _pos = nl + 1;
        _line = line + 1;
        _col = 1;
    }
}
