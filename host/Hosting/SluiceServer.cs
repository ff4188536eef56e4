using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Api;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Logging;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>
/// The running host: loads plugins, validates and applies the configuration, serves HTTP, reloads on
/// SIGHUP or API, re-applies the configuration when a plugin is swapped.
/// </summary>
internal sealed class SluiceServer : IAsyncDisposable
{
    private readonly SluiceLogging _logging;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly HostCore _core;
    private readonly ListenerConfiguration _listeners = new();
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly SystemMonitor _monitor;
    private readonly OperatorSurface _operator;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time = TimeProvider.System;
    private PluginEndpointDataSource? _pluginEndpoints;
    private WebApplication? _web;
    private ApiAccessPolicy _access = ApiAccessPolicy.Open;
    private string _appliedText = "";

    public SluiceServer(ConfigSource source, SluiceLogging logging)
    {
        _logging = logging;
        _loggerFactory = new SerilogLoggerFactory(logging.Logger);
        _log = _loggerFactory.CreateLogger("Sluice.Host");
        _core = HostCore.Create(source, _loggerFactory, OnPluginsChangedAsync);
        _monitor = new SystemMonitor(Router);
        _operator = new OperatorSurface(Router, Streams, Plugins, _loggerFactory, _time);
    }

    public ConfigSource Source => _core.Source;

    public PluginManager Plugins => _core.Plugins;

    public EventRouter Router => _core.Router;

    public StreamRegistry Streams => _core.Streams;

    public CoreOptions Core { get; private set; } = new();

    /// <summary>When the listeners came up: <c>uptime</c> counts from here, not from the process start
    /// (under <c>./run.sh</c> the process is the shell that ran the build before exec).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan Uptime => StartedAt == default ? TimeSpan.Zero : _time.GetUtcNow() - StartedAt;

    /// <summary>Starts everything; returns the process exit code when the host stops.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await Plugins.LoadAllAsync(linked.Token);
        foreach (var p in Plugins.Plugins.Where(p => p.State == PluginState.Failed))
            _log.LogError("plugin {Name} failed: {Error}", p.Name, p.Error);

        var loaded = Load(Source.ReadText());
        if (loaded.Result.Configuration is not { } configuration)
        {
            foreach (var d in loaded.Result.Diagnostics) _log.Log(d.Severity == DiagnosticSeverity.Error ? LogLevel.Error : LogLevel.Warning, "{Diagnostic}", d.ToString());
            _log.LogCritical("configuration {Config} is invalid; not starting", Source.DisplayName);
            return 1;
        }
        foreach (var w in configuration.Warnings) _log.LogWarning("{Diagnostic}", w.ToString());
        await ApplyAsync(configuration, loaded.Text, linked.Token);

        _web = BuildWeb();
        try
        {
            await _web.StartAsync(linked.Token);
        }
        catch (IOException e)
        {
            foreach (var (ep, scheme) in Listeners(Core)) Router.ListenerFailure(ep.ToString(), scheme, e.Message);
            _log.LogCritical("cannot listen on {Addresses}: {Error}", string.Join(", ", Listeners(Core).Select(l => l.EndPoint)), e.Message);
            return 2;
        }

        StartedAt = _time.GetUtcNow();
        foreach (var (ep, scheme) in Listeners(Core))
        {
            Router.ListenerStart(ep.ToString(), scheme);
            _log.LogInformation("listening on {Scheme}://{Address}", scheme, ep);
        }
        await Plugins.StartServicesAsync(linked.Token);
        Plugins.StartWatching();
        _monitor.Start();
        Router.ServerStarted(HostInfo.Version);
        _log.LogInformation("sluice {Version} started as {Hostname} with {Config}; plugins from {PluginsDir}",
            HostInfo.Version, Core.Hostname, Source.DisplayName, Plugins.PluginsDirectory);

        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true;
            _log.LogInformation("SIGHUP: reloading {Config}", Source.DisplayName);
            _ = ReloadAsync(CancellationToken.None);
        });
        try
        {
            await _web.WaitForShutdownAsync(linked.Token);
        }
        catch (OperationCanceledException) { }
        _log.LogInformation("sluice {Version} stopping after {Uptime} up: {Streams} streams, {Blocks} notify blocks",
            HostInfo.Version, Uptime.ToString(@"d\.hh\:mm\:ss"), Streams.Running.Count, Router.Stats().Count);
        return 0;
    }

    /// <summary>Reads the file again; applies it when valid, otherwise keeps what runs and returns the errors.</summary>
    public async Task<ConfigLoadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = Source.ReadText();
        }
        catch (IOException e)
        {
            var d = new Diagnostic(DiagnosticSeverity.Error, new SourceLocation(Source.DisplayName, 1, 1), $"cannot read: {e.Message}");
            _log.LogError("reload failed: {Diagnostic}", d.ToString());
            return new ConfigLoadResult(null, [d]);
        }
        var loaded = Load(text);
        if (loaded.Result.Configuration is not { } configuration)
        {
            foreach (var d in loaded.Result.Errors) _log.LogError("reload refused: {Diagnostic}", d.ToString());
            _log.LogWarning("configuration {Config} is invalid; the running configuration stays", Source.DisplayName);
            return loaded.Result;
        }
        foreach (var w in configuration.Warnings) _log.LogWarning("{Diagnostic}", w.ToString());
        await ApplyAsync(configuration, text, cancellationToken);
        Router.ConfigReloaded(Source.FilePath);
        _log.LogInformation("configuration {Config} reloaded", Source.DisplayName);
        Plugins.ConfigurationChanged();   // a plugin waiting to be removed may be unused now
        return loaded.Result;
    }

    private (ConfigLoadResult Result, string Text) Load(string text) => (_core.Load(text), text);

    /// <summary>Applies a validated configuration: the core's own options, then every listener (notify, plugins).</summary>
    private async Task ApplyAsync(SluiceConfiguration configuration, string text, CancellationToken cancellationToken)
    {
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            _logging.Secrets = _logging.Secrets.With(SecretScrubber.From(configuration.Directives));
            var core = configuration.Get<CoreOptions>() ?? new CoreOptions();
            _logging.Apply(core.LogLevel, core.LogFile);
            Router.ServerName = core.Hostname;
            var access = new ApiAccessPolicy(
                core.ViewAuth is { } v ? (v.User, v.Password) : null,
                core.EditAuth is { } e ? (e.User, e.Password) : null,
                core.ApiAllowedFrom.ToArray());
            // Said at start, and again only when a reload changes it.
            if (access.UnauthenticatedWritesWarning is { } warning && (!_core.Configuration.HasValue || warning != _access.UnauthenticatedWritesWarning))
                _log.LogWarning("{Warning}", warning);
            _access = access;
            _operator.Apply(core, configuration.Directory);
            if (!core.Http.SequenceEqual(_listeners.Current) || !core.Https.SequenceEqual(_listeners.CurrentHttps))
            {
                var before = Listeners(Core).ToHashSet();
                _listeners.Set(core.Http.ToArray(), core.Https.ToArray());
                if (_core.Configuration.HasValue) ReportListenerChanges(before, Listeners(core).ToHashSet());
            }
            if (core.PluginsDirectory is { } dir && Path.GetFullPath(dir) != Path.GetFullPath(Plugins.PluginsDirectory))
                _log.LogWarning("plugins_dir changed to {Dir}; it takes effect at the next start", dir);
            Core = core;
            _core.Configuration.Set(configuration);
            _appliedText = text;

            foreach (var listener in Plugins.All<IConfigurationListener>())
            {
                try
                {
                    await listener.ApplyAsync(configuration, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogError(ex, "{Listener} failed to apply the configuration", listener.GetType().FullName);
                }
            }
            _pluginEndpoints?.Update(Plugins.All<Action<IEndpointRouteBuilder>>());
        }
        finally
        {
            _applyLock.Release();
        }
    }

    private static IEnumerable<(IPEndPoint EndPoint, string Scheme)> Listeners(CoreOptions core) =>
        core.Http.Select(ep => (ep, "http")).Concat(core.Https.Select(ep => (ep, "https")));

    /// <summary>A reload changed the <c>http</c>/<c>https</c> lines: one line per listener opened or closed (Kestrel rebinds them).</summary>
    private void ReportListenerChanges(HashSet<(IPEndPoint EndPoint, string Scheme)> before, HashSet<(IPEndPoint EndPoint, string Scheme)> after)
    {
        foreach (var (ep, scheme) in after.Except(before))
        {
            Router.ListenerStart(ep.ToString(), scheme);
            _log.LogInformation("listening on {Scheme}://{Address} (reload)", scheme, ep);
        }
        foreach (var (ep, scheme) in before.Except(after)) _log.LogInformation("closed {Scheme}://{Address} (reload)", scheme, ep);
    }

    /// <summary>
    /// A plugin was added, replaced or removed: bind the configuration in force again with the new set
    /// of sections and sink types, and apply it (the router swaps sinks, routes are replaced).
    /// Throwing makes the plugin manager roll an addition or replacement back.
    /// </summary>
    private async Task OnPluginsChangedAsync(PluginSetChange change, CancellationToken cancellationToken)
    {
        if (!_core.Configuration.HasValue) return;
        var loaded = Load(_appliedText);
        if (loaded.Result.Configuration is not { } configuration)
        {
            throw new InvalidOperationException($"after {change} the configuration in force no longer validates: "
                + string.Join("; ", loaded.Result.Errors));
        }
        await ApplyAsync(configuration, _appliedText, cancellationToken);
        _log.LogInformation("{Change}: configuration re-applied", change);
    }

    private WebApplication BuildWeb()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SerilogLoggerProvider(_logging.Logger));
        var kestrel = new ConfigurationBuilder().Add(_listeners).Build();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Configure(kestrel, reloadOnChange: true);
            k.Limits.MaxRequestBodySize = 64 << 20;
            _operator.ConfigureKestrel(k);
        });
        builder.WebHost.UseKestrelHttpsConfiguration(); // the https endpoints of ListenerConfiguration (slim builders leave it out)
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        builder.Services.AddSingleton(Router);
        builder.Services.AddRouting();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = HumanJson.Encoder);
        _operator.ConfigureServices(builder.Services);

        var app = builder.Build();
        var requestLog = _loggerFactory.CreateLogger("Sluice.Http");
        app.UseMiddleware<RequestLoggingMiddleware>(() => Core.LogRequests, requestLog);
        app.UseRouting();
        app.UseMiddleware<ApiAccessMiddleware>(() => _access); // after routing: plugin pages carry access metadata
        app.MapHostApi(this);
        OperatorSurface.Describe(app.MapNotifyApi(Router), app.MapEventsApi(Router));
        app.MapStreamsApi(Streams);
        _operator.Map(app, text => new ConfigLoader(Plugins.All<IConfigSection>(), _core.Services)
            .LoadString(text, ConfigCheckApi.FileName, Source.Directory));
        _pluginEndpoints = new PluginEndpointDataSource(app.Services);
        _pluginEndpoints.Update(Plugins.All<Action<IEndpointRouteBuilder>>());
        ((IEndpointRouteBuilder)app).DataSources.Add(_pluginEndpoints);
        return app;
    }

    public void Stop() => _stopping.Cancel();

    public async ValueTask DisposeAsync()
    {
        _monitor.Dispose();
        _operator.Dispose();
        if (_web is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _web.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            await _web.DisposeAsync();
        }
        await _core.DisposeAsync();
        _stopping.Dispose();
    }
}
