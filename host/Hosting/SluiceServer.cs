using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;
using Sluice.Host.Api;
using Sluice.Host.Cluster;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Logging;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;
using Sluice.Host.Streams;

namespace Sluice.Host.Hosting;

/// <summary>
/// <c>sluice run</c>: one web host whose container holds the core (<see cref="SluiceCoreServices.AddSluiceCore"/>);
/// its hosted services load plugins, apply the configuration through the coordinator, start the streams and
/// listeners; Kestrel serves the API and the plugins' routes; SIGHUP and the API reload through the coordinator.
/// </summary>
internal sealed class SluiceServer(ConfigSource source, SluiceLogging logging) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _web;

    public ConfigSource Source => source;

    /// <summary>The container's services (once <see cref="RunAsync"/> built them).</summary>
    public IServiceProvider Services => _web?.Services ?? throw new InvalidOperationException("not running");

    public PluginManager Plugins => Services.GetRequiredService<PluginManager>();

    public EventRouter Router => Services.GetRequiredService<EventRouter>();

    public StreamRegistry Streams => Services.GetRequiredService<StreamRegistry>();

    /// <summary>Starts everything; returns the process exit code when the host stops.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        _web = Build();
        var log = _web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Host");
        try
        {
            await _web.StartAsync(linked.Token);
        }
        catch (ConfigurationRefusedException)
        {
            return 1;   // the coordinator said why
        }
        catch (IOException e)
        {
            var state = _web.Services.GetRequiredService<ServerState>();
            foreach (var (ep, scheme) in state.Core.Listeners()) Router.ListenerFailure(ep.ToString(), scheme, e.Message);
            log.LogCritical("cannot listen on {Addresses}: {Error}", string.Join(", ", state.Core.Listeners().Select(l => l.EndPoint)), e.Message);
            return 2;
        }

        var coordinator = _web.Services.GetRequiredService<ConfigurationCoordinator>();
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true;
            log.LogInformation("SIGHUP: reloading {Config}", source.DisplayName);
            _ = coordinator.ReloadAsync(CancellationToken.None);
        });
        try
        {
            await _web.WaitForShutdownAsync(linked.Token);   // stops the host itself once shutdown is asked
            _stopped = true;
        }
        catch (OperationCanceledException) { }
        return 0;
    }

    private WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);   // Serilog's level switch (loglevel) decides
        builder.Logging.AddProvider(new SerilogLoggerProvider(logging.Logger));
        // The generic host logs a failed start with the exception's stack; the reasons (invalid configuration,
        // a port in use) are logged by the host in a line each, so only its critical messages pass.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSluiceCore(new SluiceCoreOptions { Source = source, Logging = logging });
        builder.WebHost.ConfigureKestrel((context, k) =>
        {
            var listeners = k.ApplicationServices.GetRequiredService<ListenerConfiguration>();
            k.Configure(new ConfigurationBuilder().Add(listeners).Build(), reloadOnChange: true);
            k.Limits.MaxRequestBodySize = 64 << 20;
            k.ApplicationServices.GetRequiredService<OperatorSurface>().ConfigureKestrel(k);
        });
        builder.WebHost.UseKestrelHttpsConfiguration(); // the https endpoints of ListenerConfiguration (slim builders leave it out)
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        builder.Services.AddRouting();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = Json.HumanJson.Encoder);
        OperatorSurface.ConfigureServices(builder.Services);

        var app = builder.Build();
        var services = app.Services;
        var state = services.GetRequiredService<ServerState>();
        var router = services.GetRequiredService<EventRouter>();
        var requestLog = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Http");
        var cluster = services.GetRequiredService<ClusterCoordinator>();
        app.UseMiddleware<RequestLoggingMiddleware>(() => state.Core.LogRequests, requestLog);
        app.UseMiddleware<ClusterKeyMiddleware>(() => cluster.Options.Key, services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Cluster"));
        app.UseRouting();
        app.UseMiddleware<ApiAccessMiddleware>(() => state.Access); // after routing: plugin pages carry access metadata
        app.MapHostApi(state, source, services.GetRequiredService<PluginManager>(), services.GetRequiredService<IConfigurationReloader>());
        OperatorSurface.Describe(app.MapNotifyApi(router), app.MapEventsApi(router));
        app.MapStreamsApi(services.GetRequiredService<StreamRegistry>());
        app.MapClusterApi(cluster);
        var contributions = services.GetRequiredService<PluginContributions>();
        services.GetRequiredService<OperatorSurface>().Map(app, text =>
            new ConfigLoader(contributions.All<Abstractions.Configuration.IConfigSection>(), services)
                .LoadString(text, ConfigCheckApi.FileName, source.Directory));

        // The plugins' routes, replaced whenever a configuration applied (a plugin swap re-applies).
        var pluginEndpoints = new PluginEndpointDataSource(services);
        pluginEndpoints.Update(contributions.All<Action<IEndpointRouteBuilder>>());
        services.GetRequiredService<ConfigurationCoordinator>().ConfigurationApplied +=
            () => pluginEndpoints.Update(contributions.All<Action<IEndpointRouteBuilder>>());
        ((IEndpointRouteBuilder)app).DataSources.Add(pluginEndpoints);
        return app;
    }

    private bool _stopped;

    public void Stop() => _stopping.Cancel();

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            if (!_stopped)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try { await _web.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
            }
            await _web.DisposeAsync();
        }
        _stopping.Dispose();
    }
}
