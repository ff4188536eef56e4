using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>Expands an <c>include</c> directive into the directives of the files it names.</summary>
internal interface IIncludeExpander
{
    /// <param name="depth">Block depth of the include, so included files nest within the same limit.</param>
    IReadOnlyList<ConfigDirective> Expand(ConfigDirective include, int depth);
}

/// <summary>
/// Builds the untyped tree from tokens: <c>name arg...;</c> or <c>name arg... { ... }</c>.
/// Errors are collected and the parser recovers, so every error of a file is reported. Linear time,
/// recursion bounded by <see cref="MaxDepth"/>; never throws for any text.
/// </summary>
/// <remarks>
/// A directive ends at its line: an argument on a later line means a forgotten <c>;</c>
/// (a <c>{</c> or <c>;</c> on the next line is fine), which is how a missing <c>;</c> is found.
/// </remarks>
internal sealed class ConfigParser
{
    public const int MaxDepth = 64;
    public const string IncludeDirective = "include";

    private readonly ConfigLexer _lexer;
    private readonly IConfigDiagnostics _diagnostics;
    private readonly IIncludeExpander? _includes;
    private readonly int _baseDepth;
    private ConfigToken _current;

    /// <param name="baseDepth">Block depth at which the text starts (an included file inside blocks).</param>
    public ConfigParser(string text, string file, IConfigDiagnostics diagnostics, IIncludeExpander? includes, int baseDepth = 0)
    {
        _baseDepth = baseDepth;
        _lexer = new ConfigLexer(text, file, diagnostics);
        _diagnostics = diagnostics;
        _includes = includes;
        _current = _lexer.Next();
    }

    public static IReadOnlyList<ConfigDirective> Parse(string text, string file, IConfigDiagnostics diagnostics, IIncludeExpander? includes = null, int baseDepth = 0) =>
        new ConfigParser(text, file, diagnostics, includes, baseDepth).ParseFile();

    public IReadOnlyList<ConfigDirective> ParseFile() => ParseBlock(_baseDepth, null);

    private ConfigToken Take()
    {
        var t = _current;
        _current = _lexer.Next();
        return t;
    }

    /// <summary>Statements until <c>}</c> (when <paramref name="open"/> is set) or the end of the file.</summary>
    private List<ConfigDirective> ParseBlock(int depth, ConfigToken? open)
    {
        var list = new List<ConfigDirective>();
        while (true)
        {
            var t = _current;
            switch (t.Kind)
            {
                case ConfigTokenKind.End:
                    if (open is not null)
                        _diagnostics.Error(t.Location, $"unclosed '{{' opened at {open.Location.Line}:{open.Location.Column}");
                    return list;
                case ConfigTokenKind.CloseBrace:
                    Take();
                    if (open is not null) return list;
                    _diagnostics.Error(t.Location, "unexpected '}' with no '{' to close");
                    break;
                case ConfigTokenKind.Semicolon:
                    Take();
                    _diagnostics.Error(t.Location, "unexpected ';' with no directive before it");
                    break;
                case ConfigTokenKind.OpenBrace:
                    Take();
                    _diagnostics.Error(t.Location, "expected a directive name before '{'");
                    ParseChildBlock(depth, t);
                    break;
                default:
                    var d = ParseStatement(depth);
                    if (d is null) break;
                    if (d.Name == IncludeDirective && _includes is not null) list.AddRange(_includes.Expand(d, depth));
                    else list.Add(d);
                    break;
            }
        }
    }

    /// <summary>The block after <paramref name="open"/>, or null (and skipped) when nested too deep.</summary>
    private List<ConfigDirective>? ParseChildBlock(int depth, ConfigToken open)
    {
        if (depth + 1 <= MaxDepth) return ParseBlock(depth + 1, open);
        _diagnostics.Error(open.Location, $"blocks nested deeper than {MaxDepth} levels");
        SkipBlock(open);
        return null;
    }

    /// <summary>Skips to the '}' matching an already consumed '{' without recursion.</summary>
    private void SkipBlock(ConfigToken open)
    {
        var level = 1;
        while (level > 0)
        {
            var t = Take();
            switch (t.Kind)
            {
                case ConfigTokenKind.OpenBrace: level++; break;
                case ConfigTokenKind.CloseBrace: level--; break;
                case ConfigTokenKind.End:
                    _diagnostics.Error(t.Location, $"unclosed '{{' opened at {open.Location.Line}:{open.Location.Column}");
                    return;
            }
        }
    }

    private ConfigDirective? ParseStatement(int depth)
    {
        var nameToken = Take();
        var broken = nameToken.Broken;       // drop the directive: it was reported already
        var lexBroken = nameToken.Broken;    // the lexer skipped text: a missing ';' would be a false alarm
        var name = DirectiveName(nameToken, ref broken);
        var args = new List<ConfigArgument>();
        var last = nameToken;
        while (true)
        {
            var t = _current;
            switch (t.Kind)
            {
                case ConfigTokenKind.Atom when t.Location.Line > last.EndLine:
                    MissingSemicolon(last, lexBroken);
                    return Make(name, args, null, nameToken, broken);
                case ConfigTokenKind.Atom:
                    Take();
                    lexBroken |= t.Broken;
                    if (!t.Broken && ArgumentParser.Parse(t, _diagnostics) is { } a) args.Add(a);
                    else broken = true;
                    last = t;
                    break;
                case ConfigTokenKind.Semicolon:
                    Take();
                    return Make(name, args, null, nameToken, broken);
                case ConfigTokenKind.OpenBrace:
                    Take();
                    var block = ParseChildBlock(depth, t);
                    return Make(name, args, block, nameToken, broken || block is null);
                default: // '}' or end of file
                    MissingSemicolon(last, lexBroken);
                    return Make(name, args, null, nameToken, broken);
            }
        }
    }

    private static ConfigDirective? Make(string? name, List<ConfigArgument> args, List<ConfigDirective>? block, ConfigToken nameToken, bool broken) =>
        name is null || broken ? null : new ConfigDirective(name, args, block, nameToken.Location);

    private void MissingSemicolon(ConfigToken last, bool alreadyReported)
    {
        if (alreadyReported) return;
        _diagnostics.Error(new SourceLocation(last.Location.File, last.EndLine, last.EndColumn + 1), $"expected ';' after '{last.Raw}'");
    }

    private string? DirectiveName(ConfigToken token, ref bool broken)
    {
        if (token.Broken) return null;
        if (token.Pieces is [{ Quoted: false } piece] && piece.Text.IndexOf('=') < 0) return piece.Text;
        _diagnostics.Error(token.Location, $"expected a directive name, got '{token.Raw}'");
        broken = true;
        return null;
    }
}
