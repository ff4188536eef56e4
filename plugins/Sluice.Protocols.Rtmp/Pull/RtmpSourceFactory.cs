using Sluice.Abstractions.Streams;
using Sluice.Protocols.Rtmp.Client;

namespace Sluice.Protocols.Rtmp.Pull;

/// <summary>
/// <c>input rtmp://HOST[:PORT]/APP/STREAM;</c> (and <c>rtmps://</c>, with <c>ca=FILE</c> for a private CA):
/// the stream plays it from the other server with the plugin's own client.
/// </summary>
internal sealed class RtmpSourceFactory(RtmpHost host) : IMediaSourceFactory
{
    public string Name => "rtmp";

    public IReadOnlyList<string> Schemes { get; } = ["rtmp", "rtmps"];

    public void Validate(SourceContext context) => Bind(context);

    public IMediaSource Create(SourceContext context)
    {
        var (url, trust) = Bind(context) ?? throw new ArgumentException($"invalid input '{context.Spec}' (validate the configuration first)");
        return new RtmpSource(url, trust, host, context.Logger);
    }

    private static (RtmpUrl, System.Security.Cryptography.X509Certificates.X509Certificate2Collection?)? Bind(SourceContext context)
    {
        if (!RtmpUrl.TryParse(context.Url, out var url, out var error))
        {
            context.Error(error);
            return null;
        }
        foreach (var option in context.Options)
        {
            if (option.Name != ClientTrust.Option) context.Diagnostics.Error(option.Location, $"unknown option '{option.Name}' of an rtmp:// input (known: {ClientTrust.Option})");
        }
        var trust = ClientTrust.Load(context.Option(ClientTrust.Option), context.ConfigDirectory, context.Diagnostics, out var failed);
        return failed ? null : (url, trust);
    }
}
