using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.FFmpeg;

namespace Sluice.Sources.Fake;

/// <summary>
/// What the synthetic stream looks like and the ffmpeg command that makes it: testsrc2 (a moving
/// pattern with a frame counter), the stream name and wall clock drawn on it when a font exists,
/// a 440 Hz tone; H.264 with a keyframe every 2 s and no B-frames, AAC at 48 kHz; real time (<c>-re</c>).
/// </summary>
internal sealed partial record FakeSettings(string Executable, string Name, int Width, int Height, int Fps, string Bitrate)
{
    /// <summary>The settings of an input; problems are reported at the option they concern and give null.</summary>
    public static FakeSettings? Bind(SourceContext context)
    {
        var diag = context.Diagnostics;
        var ok = true;
        var (width, height) = (640, 360);
        if (context.OptionOrQuery("size") is { } size && !TryParseSize(size, diag, out width, out height)) ok = false;
        var fps = 25;
        if (context.OptionOrQuery("fps") is { } fpsOption)
        {
            if (fpsOption.Int(diag, 0, 1, 120, "frames per second") is { } f) fps = f;
            else ok = false;
        }
        var bitrate = "1000k";
        if (context.OptionOrQuery("bitrate") is { } bitrateOption)
        {
            bitrate = bitrateOption.Arguments[0].Value;
            if (!BitratePattern().IsMatch(bitrate))
            {
                diag.Error(bitrateOption.Location, $"option bitrate={bitrate}: expected a number of bits/s with an optional k or M (e.g. 800k)");
                ok = false;
            }
        }
        var name = context.Url.Host.Length > 0 ? context.Url.Host : context.StreamName;
        return ok ? new FakeSettings(FFmpegLocator.Resolve(context), name, width, height, fps, bitrate) : null;
    }

    public IReadOnlyList<string> Arguments(string? fontFile)
    {
        var fps = Fps.ToString(CultureInfo.InvariantCulture);
        var gop = (Fps * 2).ToString(CultureInfo.InvariantCulture);
        var video = $"testsrc2=size={Width}x{Height}:rate={fps}";
        var arguments = new List<string>
        {
            "-hide_banner", "-nostdin", "-loglevel", "error",
            "-re", "-f", "lavfi", "-i", video,
            "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        };
        if (fontFile is not null) arguments.AddRange(["-vf", Overlay(fontFile)]);
        arguments.AddRange(
        [
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", gop, "-keyint_min", gop, "-sc_threshold", "0", "-bf", "0", "-b:v", Bitrate,
            "-c:a", "aac", "-b:a", "96k", "-ac", "2",
            "-flush_packets", "1", "-f", "mpegts", "pipe:1",
        ]);
        return arguments;
    }

    /// <summary>The stream name and the wall clock, in a box. The name is reduced to safe characters: no filter escaping needed.</summary>
    private string Overlay(string fontFile)
    {
        var label = SafeText().Replace(Name, "_");
        var size = Math.Max(12, Height / 12).ToString(CultureInfo.InvariantCulture);
        return $"drawtext=fontfile={fontFile}:text='{label} %{{localtime\\:%X}}':x=16:y=h-th-16:fontsize={size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6";
    }

    private static bool TryParseSize(ConfigDirective option, IConfigDiagnostics diag, out int width, out int height)
    {
        (width, height) = (0, 0);
        var text = option.Arguments[0].Value;
        var match = SizePattern().Match(text);
        if (!match.Success)
        {
            diag.Error(option.Location, $"option size={text}: expected WIDTHxHEIGHT, e.g. 640x360");
            return false;
        }
        width = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        height = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (width is < 16 or > 3840 || height is < 16 or > 2160 || width % 2 != 0 || height % 2 != 0)
        {
            diag.Error(option.Location, $"option size={text}: even width 16..3840 and even height 16..2160 required (4:2:0 video)");
            return false;
        }
        return true;
    }

    [GeneratedRegex(@"^(\d{1,4})x(\d{1,4})$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^\d{1,6}(\.\d+)?[kM]?$")]
    private static partial Regex BitratePattern();

    [GeneratedRegex(@"[^A-Za-z0-9_.-]")]
    private static partial Regex SafeText();
}
