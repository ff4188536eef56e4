using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Access;

/// <summary>Owns the global <c>on_play</c>, <c>on_publish</c> and <c>auth_token</c>; binds <see cref="AccessOptions"/>.</summary>
internal sealed class AccessConfigSection : IConfigSection
{
    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new("on_play", "on_play URL (authorization backend for playing)", 1, 1) { Repeatable = false },
        new("on_publish", "on_publish URL (authorization backend for publishing)", 1, 1) { Repeatable = false },
        new("auth_token", "auth_token NAME (the query parameter that carries the token)", 1, 1) { Repeatable = false },
    ];

    public object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context)
    {
        var options = AccessOptions.Default;
        foreach (var d in directives)
        {
            switch (d.Name)
            {
                case "on_play":
                    if (BackendUrl.Bind(d, context.Diagnostics) is { } play) options = options with { OnPlay = play };
                    break;
                case "on_publish":
                    if (BackendUrl.Bind(d, context.Diagnostics) is { } publish) options = options with { OnPublish = publish };
                    break;
                case "auth_token":
                    var a = d.Arguments[0];
                    if (!a.IsKeyValue && a.Value.Length is > 0 and <= 64 && a.Value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                        options = options with { AuthToken = a.Value };
                    else
                        context.Diagnostics.Error(a.Location, $"'auth_token' expects the name of a query parameter (letters, digits, '_', '-', '.'), got '{a.Text}'");
                    break;
            }
        }
        return options;
    }
}

/// <summary>The URL of an authorization backend: absolute http:// or https://.</summary>
internal static class BackendUrl
{
    public static Uri? Bind(ConfigDirective d, IConfigDiagnostics diagnostics)
    {
        var a = d.Arguments[0];
        if (!a.IsKeyValue && Uri.TryCreate(a.Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0)
            return url;
        diagnostics.Error(a.Location, $"'{d.Name}' expects the http:// or https:// URL of an authorization backend, got '{SecretText.Redact(a.Text)}'");
        return null;
    }
}
