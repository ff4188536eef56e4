using System.Net;
using Sluice.Abstractions.Plugins;

namespace Sluice.Abstractions.Protocols;

/// <summary>
/// One listener directive: <see cref="FactoryContext.Spec"/> is its address as written (<c>1935</c>,
/// <c>127.0.0.1:1935</c>), <see cref="FactoryContext.Options"/> its block, if any.
/// </summary>
public sealed class ListenerContext : FactoryContext
{
    /// <summary>The directive's name: <c>rtmp</c>, <c>rtmps</c>.</summary>
    public required string Directive { get; init; }

    /// <summary>Where to listen (a bare port listens on every interface).</summary>
    public required IPEndPoint EndPoint { get; init; }
}
