using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

internal enum ConfigTokenKind { Atom, Semicolon, OpenBrace, CloseBrace, End }

/// <summary>A run of characters inside one atom: bare text or the content of one quoted string.</summary>
internal readonly record struct AtomPiece(string Text, bool Quoted);

/// <summary>
/// A token of the configuration language. An atom is everything between separators: adjacent bare and
/// quoted pieces (<c>media="a b"</c> is the bare piece <c>media=</c> then the quoted piece <c>a b</c>).
/// </summary>
internal sealed class ConfigToken(ConfigTokenKind kind, SourceLocation location, int endLine, int endColumn)
{
    public ConfigTokenKind Kind { get; } = kind;

    /// <summary>Where the token's first character is.</summary>
    public SourceLocation Location { get; } = location;

    /// <summary>Line and column of the token's last character.</summary>
    public int EndLine { get; } = endLine;
    public int EndColumn { get; } = endColumn;

    public IReadOnlyList<AtomPiece> Pieces { get; init; } = [];

    /// <summary>The token as written (truncated), for messages.</summary>
    public string Raw { get; init; } = "";

    /// <summary>The lexer already reported a problem inside this token (e.g. an unterminated string).</summary>
    public bool Broken { get; init; }
}
