using Sluice.Abstractions.Streams;

namespace Sluice.Sources.MpegTs;

/// <summary><c>udp://ADDR:PORT</c>: MPEG-TS datagrams, unicast or multicast (joined), optionally RTP-wrapped.</summary>
internal sealed class UdpSourceFactory : IMediaSourceFactory
{
    public string Name => "udp";

    public IReadOnlyList<string> Schemes { get; } = ["udp"];

    public void Validate(SourceContext context) => UdpSettings.Bind(context);

    public IMediaSource Create(SourceContext context) =>
        new UdpSource(UdpSettings.Bind(context) ?? throw new ArgumentException($"invalid input '{context.Spec}' (validate the configuration first)"), context.Logger);
}
