namespace Sluice.Abstractions.Configuration;

/// <summary>
/// A node of the untyped configuration tree: <c>name arg arg;</c> or <c>name arg { children }</c>.
/// Owners bind it to typed options; the tree itself only knows where things were written.
/// </summary>
public sealed record ConfigDirective(
    string Name,
    IReadOnlyList<ConfigArgument> Arguments,
    IReadOnlyList<ConfigDirective>? Block,
    SourceLocation Location)
{
    public bool HasBlock => Block is not null;

    /// <summary>Positional (non key=value) arguments, in order.</summary>
    public IEnumerable<ConfigArgument> Positional => Arguments.Where(a => a.Key is null);

    /// <summary>The first key=value argument with that key, or null.</summary>
    public ConfigArgument? Option(string key) => Arguments.FirstOrDefault(a => a.Key == key);

    /// <summary>Children with that name, in file order.</summary>
    public IEnumerable<ConfigDirective> Children(string name) =>
        Block is null ? [] : Block.Where(d => d.Name == name);

    /// <summary>
    /// The directive re-spelled canonically (whitespace, comments and locations ignored).
    /// Two directives with equal text mean the same thing; reload diffs compare this.
    /// </summary>
    public string Text
    {
        get
        {
            var sb = new System.Text.StringBuilder();
            Write(sb);
            return sb.ToString();
        }
    }

    private void Write(System.Text.StringBuilder sb)
    {
        sb.Append(Name);
        foreach (var a in Arguments) sb.Append(' ').Append(a.Text);
        if (Block is null) { sb.Append(';'); return; }
        sb.Append(" {");
        foreach (var c in Block) { sb.Append(' '); c.Write(sb); }
        sb.Append(" }");
    }

    public override string ToString() => Text;
}
