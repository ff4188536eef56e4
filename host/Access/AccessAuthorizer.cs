using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Access;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.Host.Streams;

namespace Sluice.Host.Access;

/// <summary>
/// The host's <see cref="IAccessAuthorizer"/>: every protocol asks it once per session. Publishing needs the
/// block's <c>password</c> (as <c>?password=</c>) when it has one, then the block's <c>on_publish</c> backend
/// (or the global one); playing asks the block's <c>on_play</c> backend (or the global one). The token sent
/// to a backend is the query parameter <c>auth_token</c> names. Without a password or a backend, access is
/// open, as in Flussonic. Refusals are logged with their reason, never with a secret.
/// </summary>
internal sealed class AccessAuthorizer : IAccessAuthorizer, IConfigurationListener, IDisposable
{
    private readonly ILogger _log;
    private readonly HttpMessageInvoker _http;
    private readonly AuthBackend _backend;
    private volatile AccessOptions _options = AccessOptions.Default;
    private volatile StreamsOptions _streams = StreamsOptions.Empty;

    /// <param name="backendTimeout">How long a backend may take to answer (5 s when null).</param>
    public AccessAuthorizer(ILoggerFactory loggers, TimeProvider time, TimeSpan? backendTimeout = null, HttpMessageHandler? handler = null)
    {
        _log = loggers.CreateLogger("Sluice.Access");
        _http = new HttpMessageInvoker(handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a redirect is not a yes
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });
        _backend = new AuthBackend(_http, time, backendTimeout ?? TimeSpan.FromSeconds(5));
    }

    /// <summary>The block directives in force (the access features write them).</summary>
    public BlockAccessRules Rules { get; } = new();

    public ValueTask ApplyAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        _options = configuration.Get<AccessOptions>() ?? AccessOptions.Default;
        _streams = configuration.Get<StreamsOptions>() ?? StreamsOptions.Empty;
        return ValueTask.CompletedTask;
    }

    public async ValueTask<AccessDecision> AuthorizeAsync(AccessRequest request, CancellationToken cancellationToken)
    {
        var options = _options;
        var block = Rules.Of(BlockOf(request.Name));
        var query = QueryHelpers.ParseQuery(request.Query.Length == 0 ? null : "?" + request.Query);
        var decision = AccessDecision.Allow;
        if (request.Kind == AccessKind.Publish && block.Password is { } password)
        {
            var given = query.TryGetValue("password", out var values) ? values.ToString() : null;
            if (given is null) decision = AccessDecision.Deny("the stream needs a password (?password=...)");
            else if (!SameSecret(given, password)) decision = AccessDecision.Deny("wrong password");
        }
        var backend = request.Kind == AccessKind.Play ? block.OnPlay ?? options.OnPlay : block.OnPublish ?? options.OnPublish;
        if (decision.Allowed && backend is not null)
        {
            var token = query.TryGetValue(options.AuthToken, out var t) ? t.ToString() : "";
            decision = await _backend.AskAsync(backend, request, token, cancellationToken);
        }
        if (!decision.Allowed)
        {
            _log.LogInformation("refused to let {Ip} {Kind} {Name} over {Protocol} (session {Session}): {Reason}", request.Ip,
                request.Kind == AccessKind.Play ? "play" : "publish", request.Name, request.Protocol, request.SessionId, decision.Reason);
        }
        return decision;
    }

    /// <summary>The block whose directives apply to a stream: its own <c>stream</c>/<c>ondemand</c> block, else the first <c>live</c> prefix it is under.</summary>
    private string BlockOf(string name)
    {
        var streams = _streams;
        foreach (var s in streams.Streams)
        {
            if (s.Name == name) return s.FeatureBlock;
        }
        foreach (var live in streams.Live)
        {
            if (name.Length > live.Prefix.Length + 1 && name.StartsWith(live.Prefix + "/", StringComparison.Ordinal))
                return AccessFeatureFactory.BlockOf(StreamBlockKind.Live, live.Prefix);
        }
        return "";
    }

    private static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public void Dispose() => _http.Dispose();
}
