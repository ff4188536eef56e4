using System.Web;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;

namespace Sluice.Abstractions.Streams;

/// <summary>
/// What a source learns about the input it reads. <see cref="FactoryContext.Spec"/> is the URL exactly as
/// written; <see cref="FactoryContext.Options"/> holds the <c>key=value</c> words after it on the
/// <c>input</c> line, each as a one-argument directive at its own location, so they are read with
/// <see cref="DirectiveReader"/> (durations, sizes and numbers parsed like the rest of the configuration).
/// </summary>
public sealed class SourceContext : FactoryContext
{
    /// <summary>The stream's name.</summary>
    public required string StreamName { get; init; }

    /// <summary>The input URL (relative <c>file://</c> paths resolve against <see cref="FactoryContext.ConfigDirectory"/>).</summary>
    public required Uri Url { get; init; }

    /// <summary>
    /// Option <paramref name="name"/> from the input line, or else from the URL's query (for schemes whose
    /// query is not passed on to a server, such as <c>udp://239.0.0.1:1234?buffer=4M</c>), or null.
    /// A query parameter is located at the URL.
    /// </summary>
    public ConfigDirective? OptionOrQuery(string name)
    {
        if (Option(name) is { } written) return written;
        if (Url.Query.Length <= 1) return null;
        var value = HttpUtility.ParseQueryString(Url.Query)[name];
        return value is null ? null : new ConfigDirective(name, [new ConfigArgument(null, [value], false, Location)], null, Location);
    }
}
