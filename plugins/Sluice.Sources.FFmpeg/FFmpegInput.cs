using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.FFmpeg;

namespace Sluice.Sources.FFmpeg;

/// <summary>
/// The ffmpeg command for one network input: remux (never transcode) video and audio to MPEG-TS on
/// stdout. Options: <c>ffmpeg=PATH</c>, <c>rtsp_transport=tcp|udp</c> (tcp by default: works through
/// NAT and firewalls), <c>timeout=SECONDS</c> (network I/O timeout inside ffmpeg, 10 s by default).
/// </summary>
internal sealed record FFmpegInput(string Executable, string Url, string Scheme, string RtspTransport, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The command of an input; a bad option is reported where it was written and gives null.</summary>
    public static FFmpegInput? Bind(SourceContext context)
    {
        // The query belongs to the remote server (tokens, stream keys): only the input line's options are ours.
        var ok = true;
        var scheme = context.Url.Scheme.ToLowerInvariant();
        var transport = "tcp";
        if (context.Option("rtsp_transport") is { } t)
        {
            transport = t.Arguments[0].Value;
            if (transport is not ("tcp" or "udp" or "http" or "https" or "udp_multicast"))
            {
                context.Diagnostics.Error(t.Location, $"option rtsp_transport={transport}: expected tcp, udp, udp_multicast, http or https");
                ok = false;
            }
        }
        var timeout = DefaultTimeout;
        if (context.Option("timeout") is { } d)
        {
            if (d.PositiveDuration(context.Diagnostics, 0, "a network timeout", TimeSpan.FromHours(1)) is { } v) timeout = v;
            else ok = false;
        }
        return ok ? new FFmpegInput(FFmpegLocator.Resolve(context), RealUrl(context.Spec, scheme), scheme, transport, timeout) : null;
    }

    /// <summary><c>hls://</c> is HLS over http, <c>hlss://</c> over https; the rest goes to ffmpeg as written.</summary>
    private static string RealUrl(string urlText, string scheme) => scheme switch
    {
        "hls" => "http" + urlText[scheme.Length..],
        "hlss" => "https" + urlText[scheme.Length..],
        _ => urlText,
    };

    public IReadOnlyList<string> Arguments()
    {
        var microseconds = ((long)Timeout.TotalMicroseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error" };
        if (Scheme is "rtsp" or "rtsps")
            arguments.AddRange(["-rtsp_transport", RtspTransport, "-timeout", microseconds]);
        else if (Scheme is "hls" or "hlss" or "http" or "https")
            arguments.AddRange(["-rw_timeout", microseconds]);
        arguments.AddRange(["-i", Url, "-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "mpegts", "pipe:1"]);
        return arguments;
    }
}
