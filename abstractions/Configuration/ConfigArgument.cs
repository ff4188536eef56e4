namespace Sluice.Abstractions.Configuration;

/// <summary>
/// One argument of a directive as written: a bare word or quoted string (<see cref="Key"/> is null),
/// or <c>key=value</c> / <c>key=v1,v2</c> (values split on commas outside quotes).
/// </summary>
public sealed record ConfigArgument(string? Key, IReadOnlyList<string> Values, bool Quoted, SourceLocation Location)
{
    /// <summary>The value, or the first of several (<c>key=a,b</c>).</summary>
    public string Value => Values.Count > 0 ? Values[0] : "";

    public bool IsKeyValue => Key is not null;

    /// <summary>The argument re-spelled, as the configuration language would write it.</summary>
    public string Text => Key is null ? Quote(Value) : Key + "=" + string.Join(",", Values.Select(Quote));

    private string Quote(string v) =>
        Quoted || v.Length == 0 || v.AsSpan().IndexOfAny(" \t\r\n;{}#\"'") >= 0
            ? "\"" + v.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""
            : v;

    public override string ToString() => Text;
}
