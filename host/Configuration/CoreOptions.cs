using System.Net;
using Serilog.Events;

namespace Sluice.Host.Configuration;

/// <summary>A user and password of <c>view_auth</c> / <c>edit_auth</c>; the password is never printed.</summary>
internal sealed record ApiCredentials(string User, string Password)
{
    public override string ToString() => $"{User}:***";
}

/// <summary>
/// The host's own global options, bound by <see cref="CoreConfigSection"/>. Immutable with value
/// equality: a reload compares the old and new record to know whether anything changed.
/// </summary>
internal sealed record CoreOptions
{
    /// <summary><c>http [ADDR:]PORT;</c> listeners, in file order; a bare port listens on every IPv4 address.</summary>
    public ValueList<IPEndPoint> Http { get; init; } = ValueList<IPEndPoint>.Empty;

    /// <summary><c>https [ADDR:]PORT;</c> listeners: every route of the <c>http</c> ones, over TLS (HTTP/1.1 and HTTP/2).</summary>
    public ValueList<IPEndPoint> Https { get; init; } = ValueList<IPEndPoint>.Empty;

    /// <summary>Every HTTP and HTTPS listener with its scheme (<c>http</c>, <c>https</c>), in file order.</summary>
    public IEnumerable<(System.Net.IPEndPoint EndPoint, string Scheme)> Listeners() =>
        Http.Select(ep => (ep, "http")).Concat(Https.Select(ep => (ep, "https")));

    /// <summary><c>certificates_dir</c>: where streamer.key, streamer.crt and streamer-ca.crt are; null: the configuration's folder.</summary>
    public string? CertificatesDirectory { get; init; }

    /// <summary><c>loglevel</c>: debug, info (default), notice (as info), warning, error.</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary><c>logrequests</c>: log every HTTP request. Off by default.</summary>
    public bool LogRequests { get; init; }

    /// <summary><c>hostname</c>: the server name in events. Defaults to the machine name.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary><c>plugins_dir</c>, made absolute against the configuration's folder; null: the host's default.</summary>
    public string? PluginsDirectory { get; init; }

    /// <summary><c>logfile</c>: a file the log is also written to, absolute; null: console only.</summary>
    public string? LogFile { get; init; }

    /// <summary><c>view_auth USER PASS</c>: read-only API access; null: not required.</summary>
    public ApiCredentials? ViewAuth { get; init; }

    /// <summary><c>edit_auth USER PASS</c>: administrator API access; null: not required.</summary>
    public ApiCredentials? EditAuth { get; init; }

    /// <summary><c>api_allowed_from</c> networks; empty: the API answers every address.</summary>
    public ValueList<IPNetwork> ApiAllowedFrom { get; init; } = ValueList<IPNetwork>.Empty;

    /// <summary><c>max_sessions</c>: global limit of concurrent sessions; null: unlimited.</summary>
    public int? MaxSessions { get; init; }
}
