using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Host.Api;
using Sluice.Host.Configuration;
using Sluice.Host.Events;
using Sluice.Host.Logging;
using Sluice.Host.Notify;

namespace Sluice.Host.Hosting;

/// <summary>
/// The server's own directives as a configuration stage (the running server only): <c>loglevel</c>,
/// <c>logfile</c>, secrets masked in the log, <c>hostname</c> in events, the API's access policy and the
/// <c>http</c>/<c>https</c> listeners and their certificate (Kestrel re-binds only those that changed). Nothing here can fail to build.
/// </summary>
internal sealed class ServerStage(SluiceLogging logging, ServerState state, ListenerConfiguration listeners, EventRouter router,
    Plugins.PluginHostOptions plugins, HttpsCertificate certificate, ILoggerFactory loggerFactory) : IConfigurationStage
{
    private readonly ILogger _log = loggerFactory.CreateLogger("Sluice.Host");
    private bool _applied;

    public string Name => "server";

    public Task<IStagedChange> PrepareAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        var core = configuration.Get<CoreOptions>() ?? new CoreOptions();
        var access = new ApiAccessPolicy(
            core.ViewAuth is { } v ? (v.User, v.Password) : null,
            core.EditAuth is { } e ? (e.User, e.Password) : null,
            core.ApiAllowedFrom.ToArray());
        IStagedChange change = new StagedChange(_ => Commit(configuration, core, access));
        return Task.FromResult(change);
    }

    private Task Commit(SluiceConfiguration configuration, CoreOptions core, ApiAccessPolicy access)
    {
        logging.Secrets = logging.Secrets.With(SecretScrubber.From(configuration.Directives));
        logging.Apply(core.LogLevel, core.LogFile);
        router.ServerName = core.Hostname;
        // Said at start, and again only when a reload changes it.
        if (access.UnauthenticatedWritesWarning is { } warning && (!_applied || warning != state.Access.UnauthenticatedWritesWarning))
            _log.LogWarning("{Warning}", warning);
        state.Access = access;
        certificate.Apply(core, configuration.Directory, _log);
        if (!core.Http.SequenceEqual(listeners.Current) || !core.Https.SequenceEqual(listeners.CurrentHttps))
        {
            var before = state.Core.Listeners().ToHashSet();
            listeners.Set(core.Http.ToArray(), core.Https.ToArray());
            if (_applied) ReportListenerChanges(before, core.Listeners().ToHashSet());
        }
        if (core.PluginsDirectory is { } dir && Path.GetFullPath(dir) != Path.GetFullPath(plugins.PluginsDirectory))
            _log.LogWarning("plugins_dir changed to {Dir}; it takes effect at the next start", dir);
        state.Core = core;
        _applied = true;
        return Task.CompletedTask;
    }

    /// <summary>A reload changed the <c>http</c>/<c>https</c> lines: one line per listener opened or closed (Kestrel rebinds them).</summary>
    private void ReportListenerChanges(HashSet<(System.Net.IPEndPoint EndPoint, string Scheme)> before, HashSet<(System.Net.IPEndPoint EndPoint, string Scheme)> after)
    {
        foreach (var (ep, scheme) in after.Except(before))
        {
            router.ListenerStart(ep.ToString(), scheme);
            _log.LogInformation("listening on {Scheme}://{Address} (reload)", scheme, ep);
        }
        foreach (var (ep, scheme) in before.Except(after)) _log.LogInformation("closed {Scheme}://{Address} (reload)", scheme, ep);
    }
}
