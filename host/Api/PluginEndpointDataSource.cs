using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Sluice.Host.Api;

/// <summary>
/// The endpoints plugins contribute. Routing watches its change token, so when a plugin is
/// swapped its routes are replaced without restarting the listeners (as YARP does for its routes).
/// </summary>
internal sealed class PluginEndpointDataSource(IServiceProvider services) : EndpointDataSource
{
    private readonly object _gate = new();
    private IReadOnlyList<Endpoint> _endpoints = [];
    private CancellationTokenSource _changed = new();

    public override IReadOnlyList<Endpoint> Endpoints => _endpoints;

    public override IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    /// <summary>Replaces every plugin endpoint with what <paramref name="maps"/> map now.</summary>
    public void Update(IEnumerable<Action<IEndpointRouteBuilder>> maps)
    {
        var builder = new CollectingRouteBuilder(services);
        foreach (var map in maps) map(builder);
        var endpoints = builder.DataSources.SelectMany(d => d.Endpoints).ToArray();

        CancellationTokenSource previous;
        lock (_gate)
        {
            _endpoints = endpoints;
            previous = _changed;
            _changed = new CancellationTokenSource();
        }
        previous.Cancel();
        previous.Dispose();
    }

    /// <summary>An <see cref="IEndpointRouteBuilder"/> that only collects what is mapped on it.</summary>
    private sealed class CollectingRouteBuilder(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;
        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }
}
