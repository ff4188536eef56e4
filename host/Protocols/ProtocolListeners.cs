using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Protocols;
using Sluice.Host.Events;
using Sluice.Host.Plugins;

namespace Sluice.Host.Protocols;

/// <summary>
/// The protocol plugins' listeners in force. Applies <see cref="ProtocolListenersOptions"/> as a diff by
/// text: an unchanged listener of a still-loaded protocol keeps running; a removed, changed or swapped one
/// is closed before the new ones open (so a port can move between directives). Opening emits
/// <c>listener_start</c>, or <c>listener_failure</c> when the port cannot be bound; the rest runs on.
/// </summary>
internal sealed class ProtocolListeners(IPluginContributions contributions, IEventEmitter events, IServiceProvider services,
    ILoggerFactory loggerFactory) : IConfigurationListener, IAsyncDisposable
{
    private sealed record Running(ListenerOptions Options, IProtocolFactory Factory, IProtocolListener Listener);

    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Protocols");
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<Running> _running = [];

    /// <summary>The listeners open now, for the API and tests.</summary>
    public IReadOnlyList<ListenerOptions> Open
    {
        get { lock (_running) return _running.Select(r => r.Options).ToArray(); }
    }

    public async ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        var wanted = configuration.Get<ProtocolListenersOptions>() ?? ProtocolListenersOptions.Empty;
        var factories = contributions.All<IProtocolFactory>();
        await _lock.WaitAsync(cancellationToken);
        try
        {
            List<Running> closing;
            lock (_running)
            {
                closing = _running.Where(r => !factories.Contains(r.Factory) || !wanted.Listeners.Contains(r.Options)).ToList();
                _running.RemoveAll(closing.Contains);
            }
            foreach (var r in closing) await CloseAsync(r);
            foreach (var options in wanted.Listeners)
            {
                bool open;
                lock (_running) open = _running.Exists(r => r.Options.Equals(options));
                if (open) continue;
                var factory = factories.FirstOrDefault(f => f.Name == options.Protocol);
                if (factory is null) continue; // its plugin went away: nothing serves the directive now
                if (await OpenAsync(options, factory, configuration.Directory, cancellationToken) is { } running)
                {
                    lock (_running) _running.Add(running);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<Running?> OpenAsync(ListenerOptions options, IProtocolFactory factory, string configDirectory, CancellationToken cancellationToken)
    {
        var address = options.EndPoint.ToString();
        IProtocolListener? listener = null;
        try
        {
            var problems = new DiagnosticList();
            listener = factory.Create(options.Context(configDirectory, problems, services, loggerFactory.CreateLogger("Sluice.Protocols." + factory.Name)));
            if (problems.HasErrors) throw new InvalidOperationException(string.Join("; ", problems.Errors.Select(e => e.Message)));
            await listener.StartAsync(cancellationToken);
            events.ListenerStart(address, options.Directive);
            _log.LogInformation("listening on {Protocol}://{Address}", options.Directive, address);
            return new Running(options, factory, listener);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            events.ListenerFailure(address, options.Directive, e.Message);
            _log.LogError("cannot listen on {Protocol}://{Address} ({Location}): {Error}", options.Directive, address, options.Location, e.Message);
            if (listener is not null) await DisposeQuietlyAsync(listener, options);
            return null;
        }
    }

    private async Task CloseAsync(Running r)
    {
        await DisposeQuietlyAsync(r.Listener, r.Options);
        _log.LogInformation("closed {Protocol}://{Address}", r.Options.Directive, r.Options.EndPoint);
    }

    private async Task DisposeQuietlyAsync(IProtocolListener listener, ListenerOptions options)
    {
        try
        {
            await listener.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("closing {Protocol}://{Address} failed: {Error}", options.Directive, options.EndPoint, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Running> all;
        lock (_running)
        {
            all = [.. _running];
            _running.Clear();
        }
        foreach (var r in all) await CloseAsync(r);
        _lock.Dispose();
    }
}
