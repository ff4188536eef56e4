using System.Security.Cryptography.X509Certificates;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.Protocols.Rtmp.Client;

namespace Sluice.Protocols.Rtmp.Push;

/// <summary>
/// <c>push rtmp://HOST[:PORT]/APP/STREAM [ca=FILE];</c> (and <c>rtmps://</c>) in a <c>stream</c>, <c>ondemand</c>
/// or <c>live</c> block: each run of the stream is re-published to the other server, reconnecting with a
/// backoff while it runs.
/// </summary>
internal sealed class RtmpPushFactory(RtmpHost host) : IStreamFeatureFactory
{
    public string Name => "rtmp-push";

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
        [new("push", "push rtmp://HOST[:PORT]/APP/STREAM [ca=FILE] (or rtmps://)", 1, 2)];

    public void Validate(StreamFeatureContext context) => Bind(context);

    public IStreamFeature Create(StreamFeatureContext context)
    {
        var (url, trust) = Bind(context) ?? throw new InvalidOperationException("not validated");
        return new RtmpPush(url, trust, host, context.Logger);
    }

    internal static (RtmpUrl Url, X509Certificate2Collection? Trust)? Bind(StreamFeatureContext context)
    {
        var args = context.Directive.Arguments;
        var target = args[0];
        if (target.IsKeyValue || !Uri.TryCreate(target.Value, UriKind.Absolute, out var uri))
        {
            context.Diagnostics.Error(target.Location, $"'push' expects rtmp://HOST[:PORT]/APP/STREAM, got '{SecretText.Redact(target.Text)}'");
            return null;
        }
        if (!RtmpUrl.TryParse(uri, out var url, out var error))
        {
            context.Diagnostics.Error(target.Location, uri.Scheme is "rtmp" or "rtmps"
                ? $"'push {SecretText.Redact(target.Value)}': {error}"
                : $"'push' to {uri.Scheme}:// is not supported by this build (rtmp:// and rtmps:// are)");
            return null;
        }
        ConfigDirective? ca = null;
        foreach (var a in args.Skip(1))
        {
            if (a.Key != ClientTrust.Option)
            {
                context.Diagnostics.Error(a.Location, $"'push' takes the option {ClientTrust.Option}=FILE after the URL, got '{a.Text}'");
                return null;
            }
            ca = new ConfigDirective(ClientTrust.Option, [new ConfigArgument(null, [a.Value], a.Quoted, a.Location)], null, a.Location);
        }
        var trust = ClientTrust.Load(ca, context.ConfigDirectory, context.Diagnostics, out var failed);
        return failed ? null : (url, trust);
    }
}
