using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Nats;

/// <summary>How a batch is published: JetStream with acknowledgement, core NATS with a flush, or chosen per connection.</summary>
internal enum JetStreamMode { Auto, On, Off }

/// <summary>
/// What a NATS sink is told by its notify block: <c>nats://[USER:PASS@|TOKEN@]HOST[:PORT]/SUBJECT</c>,
/// <c>timeout</c> and <c>jetstream auto|on|off</c>. The credentials are kept apart from
/// <see cref="Display"/>, which is all that errors ever show.
/// </summary>
internal sealed record NatsSinkOptions(string ServerUrl, string Subject, TimeSpan Timeout, JetStreamMode JetStream)
{
    public const int DefaultPort = 4222;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] OwnOptions = ["timeout", "jetstream"];

    public string? User { get; init; }
    public string? Password { get; init; }
    public string? Token { get; init; }

    /// <summary><c>nats://HOST:PORT/SUBJECT</c>: the spec without its credentials.</summary>
    public string Display => $"{ServerUrl}/{Subject}";

    public static NatsSinkOptions? Bind(SinkContext context, IConfigDiagnostics? diagnostics)
    {
        var ok = true;
        void Fail(SourceLocation at, string message) { diagnostics?.Error(at, message); ok = false; }

        // Never quote the spec itself in a message: it may hold a password or a token.
        string? server = null, subject = null, user = null, password = null, token = null;
        if (!Uri.TryCreate(context.Spec, UriKind.Absolute, out var url) || url.Scheme != "nats" || url.Host.Length == 0)
            Fail(context.Location, "a nats sink is nats://[USER:PASS@|TOKEN@]HOST[:PORT]/SUBJECT");
        else
        {
            server = $"nats://{url.Host}:{(url.IsDefaultPort || url.Port < 0 ? DefaultPort : url.Port)}";
            subject = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
            if (SubjectError(subject) is { } error) Fail(context.Location, $"{server}/...: {error}");
            if (url.Query.Length > 0 || url.Fragment.Length > 0)
                Fail(context.Location, $"{server}/{subject}: a nats sink takes no query or fragment (options go in the block: timeout, jetstream)");
            if (url.UserInfo.Length > 0)
            {
                var colon = url.UserInfo.IndexOf(':');
                if (colon < 0) token = Uri.UnescapeDataString(url.UserInfo);
                else
                {
                    user = Uri.UnescapeDataString(url.UserInfo[..colon]);
                    password = Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
                }
            }
        }

        var timeout = SinkOptions.Timeout(context, DefaultTimeout, diagnostics);
        var mode = JetStreamMode.Auto;
        if (SinkOptions.Find(context, "jetstream") is { } js)
        {
            var value = js.Arguments.Count == 1 ? js.Arguments[0].Value : "";
            switch (value)
            {
                case "auto": mode = JetStreamMode.Auto; break;
                case "on": mode = JetStreamMode.On; break;
                case "off": mode = JetStreamMode.Off; break;
                default: Fail(js.Location, $"'jetstream' expects auto (the default), on or off, got '{value}'"); break;
            }
        }
        foreach (var option in context.Options)
        {
            if (Array.IndexOf(OwnOptions, option.Name) < 0)
                diagnostics?.Warning(option.Location, $"'{option.Name}' is not an option of a nats sink (it takes timeout and jetstream): ignored");
        }
        if (!ok || server is null || subject is null) return null;
        return new NatsSinkOptions(server, subject, timeout, mode) { User = user, Password = password, Token = token };
    }

    /// <summary>Why <paramref name="subject"/> cannot be published to, or null: dot-separated tokens, no wildcards, no white space.</summary>
    private static string? SubjectError(string subject)
    {
        if (subject.Length == 0) return "the URL's path names the subject to publish to (nats://HOST:PORT/SUBJECT)";
        foreach (var token in subject.Split('.'))
        {
            if (token.Length == 0) return $"subject '{subject}' has an empty token";
            if (token is "*" or ">") return $"subject '{subject}' has a wildcard: a sink publishes to one subject";
            if (token.AsSpan().IndexOfAny(" \t\r\n") >= 0) return $"subject '{subject}' holds white space";
        }
        return null;
    }
}
