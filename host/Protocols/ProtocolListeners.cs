using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Protocols;
using Sluice.Host.Configuration;
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
    ILoggerFactory loggerFactory) : IConfigurationListener, IConfigurationStage, IAsyncDisposable
{
    private sealed record Running(ListenerOptions Options, IProtocolFactory Factory, IProtocolListener Listener);

    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Protocols");
    private readonly TimeProvider _time = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<Running> _running = [];

    /// <summary>The listeners open now, for the API and tests.</summary>
    public IReadOnlyList<ListenerOptions> Open
    {
        get { lock (_running) return _running.Select(r => r.Options).ToArray(); }
    }

    public string Name => "protocols";

    /// <summary>Prepare and commit in one (tests and tools that apply by hand): an error in the prepared change is thrown.</summary>
    public async ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        await using var change = await PrepareAsync(configuration, cancellationToken);
        if (change.Errors.Count > 0) throw new InvalidOperationException(string.Join("; ", change.Errors));
        await change.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Creates the listener of every directive that is not open now (new, changed, or of a replaced protocol),
    /// without binding: a port may be held by a listener that closes at commit. Nothing that runs is touched.
    /// </summary>
    public Task<IStagedChange> PrepareAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        var wanted = configuration.Get<ProtocolListenersOptions>() ?? ProtocolListenersOptions.Empty;
        var factories = contributions.All<IProtocolFactory>();
        List<Running> keep;
        lock (_running) keep = _running.Where(r => factories.Contains(r.Factory) && wanted.Listeners.Contains(r.Options)).ToList();
        var created = new List<Running>();
        var errors = new List<string>();
        foreach (var options in wanted.Listeners)
        {
            if (keep.Exists(r => r.Options.Equals(options))) continue;
            var factory = factories.FirstOrDefault(f => f.Name == options.Protocol);
            if (factory is null)
            {
                errors.Add($"{options.Directive} {options.EndPoint}: no loaded plugin provides the {options.Protocol} protocol (at {options.Location})");
                continue;
            }
            try
            {
                var problems = new DiagnosticList();
                var listener = factory.Create(options.Context(configuration.Directory, problems, services, loggerFactory.CreateLogger("Sluice.Protocols." + factory.Name)));
                if (problems.HasErrors)
                {
                    _ = listener.DisposeAsync().AsTask();
                    errors.Add($"{options.Directive} {options.EndPoint}: {string.Join("; ", problems.Errors.Select(e => e.Message))}");
                }
                else created.Add(new Running(options, factory, listener));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                errors.Add($"{options.Directive} {options.EndPoint}: cannot create the listener: {e.Message}");
            }
        }
        IStagedChange change = new StagedChange(
            ct => CommitAsync(keep, created, ct),
            async () => { foreach (var r in created) await DisposeQuietlyAsync(r.Listener, r.Options); },
            errors);
        return Task.FromResult(change);
    }

    /// <summary>
    /// Closes every listener not kept, then opens the created ones. A port that cannot be bound is known only now:
    /// it is a <c>listener_failure</c> (as for <c>http</c>) and the others run on.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<Running> keep, IReadOnlyList<Running> created, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            List<Running> closing;
            lock (_running)
            {
                closing = _running.Where(r => !keep.Contains(r)).ToList();
                _running.RemoveAll(closing.Contains);
            }
            foreach (var r in closing) await CloseAsync(r);
            foreach (var r in created)
            {
                if (await StartAsync(r, cancellationToken))
                {
                    lock (_running) _running.Add(r);
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<bool> StartAsync(Running r, CancellationToken cancellationToken)
    {
        var address = r.Options.EndPoint.ToString();
        try
        {
            await r.Listener.StartAsync(cancellationToken);
            events.ListenerStart(address, r.Options.Directive);
            _log.LogInformation("listening on {Protocol}://{Address}", r.Options.Directive, address);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            events.ListenerFailure(address, r.Options.Directive, e.Message);
            _log.LogError("cannot listen on {Protocol}://{Address} ({Location}): {Error}", r.Options.Directive, address, r.Options.Location, e.Message);
            await DisposeQuietlyAsync(r.Listener, r.Options);
            return false;
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
            await listener.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), _time);
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
