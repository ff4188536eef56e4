using System.Collections.Concurrent;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;

namespace Sluice.Plugins.Tests.Support;

/// <summary>Host services for test plugins: their sinks record what they deliver in <see cref="Delivered"/>.</summary>
internal sealed class TestServices : IServiceProvider
{
    public ConcurrentQueue<string> Delivered { get; } = new();

    public object? GetService(Type serviceType) => serviceType == typeof(ConcurrentQueue<string>) ? Delivered : null;

    public SinkContext SinkContext(string spec) => new()
    {
        BlockName = "test",
        Spec = spec,
        Location = new SourceLocation("test.conf", 1, 1),
        Services = this,
    };
}
