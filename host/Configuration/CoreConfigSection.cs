using System.Net;
using Serilog.Events;
using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>The host's global directives (listeners, logging, server name, API access); binds <see cref="CoreOptions"/>.</summary>
internal sealed class CoreConfigSection : IConfigSection
{
    private static readonly Dictionary<string, LogEventLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["debug"] = LogEventLevel.Debug,
        ["info"] = LogEventLevel.Information,
        ["notice"] = LogEventLevel.Information, // Serilog has no notice: it is info that deserves a look
        ["warning"] = LogEventLevel.Warning,
        ["error"] = LogEventLevel.Error,
    };

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new("http", "http [ADDR:]PORT", 1, 1),
        new("https", "https [ADDR:]PORT", 1, 1),
        new("certificates_dir", "certificates_dir PATH", 1, 1) { Repeatable = false },
        new("loglevel", "loglevel debug|info|notice|warning|error", 1, 1) { Repeatable = false },
        new("logrequests", "logrequests [true|false]", 0, 1) { Repeatable = false },
        new("hostname", "hostname NAME", 1, 1) { Repeatable = false },
        new("plugins_dir", "plugins_dir PATH", 1, 1) { Repeatable = false },
        new("logfile", "logfile PATH", 1, 1) { Repeatable = false },
        new("view_auth", "view_auth USER PASSWORD", 2, 2) { Repeatable = false },
        new("edit_auth", "edit_auth USER PASSWORD", 2, 2) { Repeatable = false },
        new("api_allowed_from", "api_allowed_from NETWORK...", 1),
        new("max_sessions", "max_sessions N", 1, 1) { Repeatable = false },
    ];

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var diag = context.Diagnostics;
        var options = new CoreOptions();
        var http = new List<IPEndPoint>();
        var https = new List<IPEndPoint>();
        var httpAt = new Dictionary<IPEndPoint, SourceLocation>();
        ConfigDirective? firstHttps = null;
        var networks = new List<IPNetwork>();
        foreach (var d in directives)
        {
            switch (d.Name)
            {
                case "http":
                    BindHttp(d, diag, http, httpAt);
                    break;
                case "https":
                    firstHttps ??= d;
                    BindHttp(d, diag, https, httpAt);
                    break;
                case "certificates_dir":
                    if (Word(d, diag, "a folder") is { } certificates) options = options with { CertificatesDirectory = Path.GetFullPath(certificates, context.ConfigDirectory) };
                    break;
                case "loglevel":
                    if (Levels.TryGetValue(d.Arguments[0].Value, out var level)) options = options with { LogLevel = level };
                    else diag.Error(d.Arguments[0].Location, $"'loglevel' expects one of debug, info, notice, warning, error, got '{d.Arguments[0].Value}'");
                    break;
                case "logrequests":
                    if (d.Bool(diag) is { } on) options = options with { LogRequests = on };
                    break;
                case "hostname":
                    if (Word(d, diag, "a server name") is { } name) options = options with { Hostname = name };
                    break;
                case "plugins_dir":
                    if (Word(d, diag, "a folder") is { } dir) options = options with { PluginsDirectory = Path.GetFullPath(dir, context.ConfigDirectory) };
                    break;
                case "logfile":
                    if (Word(d, diag, "a file path") is { } file) options = options with { LogFile = Path.GetFullPath(file, context.ConfigDirectory) };
                    break;
                case "view_auth":
                    if (Credentials(d, diag) is { } view) options = options with { ViewAuth = view };
                    break;
                case "edit_auth":
                    if (Credentials(d, diag) is { } edit) options = options with { EditAuth = edit };
                    break;
                case "api_allowed_from":
                    BindNetworks(d, diag, networks);
                    break;
                case "max_sessions":
                    if (PositiveInt(d, diag) is { } max) options = options with { MaxSessions = max };
                    break;
            }
        }
        if (firstHttps is not null) CheckCertificate(firstHttps, options.CertificatesDirectory ?? context.ConfigDirectory, diag);
        return options with { Http = new(http), Https = new(https), ApiAllowedFrom = new(networks) };
    }

    /// <summary>An <c>https</c> listener needs the certificate files now: a bad or missing one is an error where https is written.</summary>
    private static void CheckCertificate(ConfigDirective https, string folder, IConfigDiagnostics diag)
    {
        Abstractions.Security.ServerCertificateFiles.Load(folder, https.Location, diag, "https")?.Dispose();
    }

    private static void BindHttp(ConfigDirective d, IConfigDiagnostics diag, List<IPEndPoint> http, Dictionary<IPEndPoint, SourceLocation> seen)
    {
        var a = d.Arguments[0];
        if (a.IsKeyValue)
        {
            diag.Error(a.Location, $"'{d.Name}' expects [ADDR:]PORT, got '{a.Text}'");
            return;
        }
        if (!NetworkSyntax.TryParseListen(a.Value, out var endpoint, out var error))
        {
            diag.Error(a.Location, $"'{d.Name}' expects [ADDR:]PORT: {error}");
            return;
        }
        if (seen.TryGetValue(endpoint, out var first))
        {
            diag.Error(a.Location, $"duplicate '{d.Name}' listener {endpoint} (first at {first.Line}:{first.Column})");
            return;
        }
        seen[endpoint] = a.Location;
        http.Add(endpoint);
    }

    private static void BindNetworks(ConfigDirective d, IConfigDiagnostics diag, List<IPNetwork> networks)
    {
        foreach (var a in d.Arguments)
        {
            if (a.IsKeyValue)
            {
                diag.Error(a.Location, $"'api_allowed_from' expects networks, got '{a.Text}'");
                continue;
            }
            if (!NetworkSyntax.TryParseNetwork(a.Value, out var network, out var error))
            {
                diag.Error(a.Location, $"'api_allowed_from' expects networks: {error}");
                continue;
            }
            if (!networks.Contains(network)) networks.Add(network);
        }
    }

    private static int? PositiveInt(ConfigDirective d, IConfigDiagnostics diag)
    {
        var a = d.Arguments[0];
        if (!a.IsKeyValue && ConfigValues.TryParseInt(a.Value, out var n) && n > 0) return n;
        diag.Error(a.Location, $"'{d.Name}' expects a positive whole number (1 to {int.MaxValue}), got '{a.Text}'");
        return null;
    }

    private static string? Word(ConfigDirective d, IConfigDiagnostics diag, string what)
    {
        var a = d.Arguments[0];
        if (!a.IsKeyValue && a.Value.Length > 0 && a.Value.IndexOf('\0') < 0) return a.Value;
        diag.Error(a.Location, $"'{d.Name}' expects {what}, got '{a.Text}'");
        return null;
    }

    private static ApiCredentials? Credentials(ConfigDirective d, IConfigDiagnostics diag)
    {
        var user = d.Arguments[0];
        var pass = d.Arguments[1];
        if (user.IsKeyValue || user.Value.Length == 0 || user.Value.Contains(':'))
        {
            diag.Error(user.Location, $"'{d.Name}' expects a user name without ':', got '{user.Text}'");
            return null;
        }
        if (pass.IsKeyValue || pass.Value.Length == 0)
        {
            diag.Error(pass.Location, $"'{d.Name}' expects a non-empty password");
            return null;
        }
        return new ApiCredentials(user.Value, pass.Value);
    }
}
