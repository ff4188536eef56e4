using System.Net;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Protocols;
using Sluice.Host.Configuration;

namespace Sluice.Host.Protocols;

/// <summary>Every protocol listener of a configuration, in file order.</summary>
internal sealed record ProtocolListenersOptions(ValueList<ListenerOptions> Listeners)
{
    public static readonly ProtocolListenersOptions Empty = new(ValueList<ListenerOptions>.Empty);
}

/// <summary>
/// One listener directive as bound. <see cref="Text"/> is its canonical spelling: a reload keeps a
/// listener whose text did not change and replaces one whose text did.
/// </summary>
internal sealed record ListenerOptions(string Protocol, string Directive, IPEndPoint EndPoint, string Spec, SourceLocation Location,
    IReadOnlyList<ConfigDirective> Block, string Text)
{
    public ListenerContext Context(string configDirectory, IConfigDiagnostics diagnostics, IServiceProvider services, ILogger? logger = null) => new()
    {
        Directive = Directive,
        EndPoint = EndPoint,
        Spec = Spec,
        Location = Location,
        Options = Block,
        Diagnostics = diagnostics,
        ConfigDirectory = configDirectory,
        Services = services,
        Time = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System,
        Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };

    public bool Equals(ListenerOptions? other) => other is not null && Text == other.Text;

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);
}
