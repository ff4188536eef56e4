using Sluice.Media.Streams;

namespace Sluice.Sources.MpegTs;

/// <summary><c>udp://ADDR:PORT</c>: MPEG-TS datagrams, unicast or multicast (joined), optionally RTP-wrapped.</summary>
internal sealed class UdpSourceFactory : IMediaSourceFactory
{
    public string Name => "udp";

    public IReadOnlyList<string> Schemes { get; } = ["udp"];

    public string? Validate(SourceContext context)
    {
        try
        {
            _ = UdpSettings.From(context);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    public IMediaSource Create(SourceContext context) => new UdpSource(UdpSettings.From(context), context.Logger);
}
