using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Protocols;
using Sluice.Abstractions.Security;

namespace Sluice.Protocols.Rtmp.Server;

/// <summary>
/// <c>rtmp [ADDR:]PORT;</c> and <c>rtmps [ADDR:]PORT [{ certificates DIR; }];</c>. RTMPS takes Flussonic's
/// certificate files (<see cref="ServerCertificateFiles"/>) from the configuration's folder, or from the
/// <c>certificates</c> folder of its block; a missing or bad file is an error of the directive at check time.
/// </summary>
internal sealed class RtmpProtocolFactory(RtmpHost host) : IProtocolFactory
{
    private static readonly DirectiveSpec Certificates =
        new("certificates", "certificates DIR (where streamer.crt, streamer.key and streamer-ca.crt are)", 1, 1) { Repeatable = false };

    public string Name => "rtmp";

    public IReadOnlyList<DirectiveSpec> Directives { get; } =
    [
        new("rtmp", "rtmp [ADDR:]PORT", 1, 1),
        new("rtmps", "rtmps [ADDR:]PORT [{ certificates DIR; }]", 1, 1, BlockUse.Optional, [Certificates]),
    ];

    public void Validate(ListenerContext context)
    {
        if (context.Directive != "rtmps") return;
        LoadCertificate(context)?.Dispose();
    }

    public IProtocolListener Create(ListenerContext context)
    {
        var certificate = context.Directive == "rtmps" ? LoadCertificate(context) ?? throw new InvalidOperationException("the rtmps certificate cannot be loaded") : null;
        return new RtmpListener(context.EndPoint, host, certificate, context.Logger);
    }

    private static ServerCertificate? LoadCertificate(ListenerContext context)
    {
        var folder = context.Option("certificates") is { } option
            ? Path.GetFullPath(option.Arguments[0].Value, context.ConfigDirectory)
            : context.ConfigDirectory;
        var at = context.Option("certificates")?.Arguments[0].Location ?? context.Location;
        return ServerCertificateFiles.Load(folder, at, context.Diagnostics, context.Directive);
    }
}
