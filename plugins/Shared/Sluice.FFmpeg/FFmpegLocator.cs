using Sluice.Abstractions.Streams;

namespace Sluice.FFmpeg;

/// <summary>Which ffmpeg to run: input option <c>ffmpeg=PATH</c>, else <c>SLUICE_FFMPEG</c>, else Debian's <c>/usr/bin/ffmpeg</c>, else <c>ffmpeg</c> on PATH.</summary>
public static class FFmpegLocator
{
    public const string EnvironmentVariable = "SLUICE_FFMPEG";
    public const string DefaultPath = "/usr/bin/ffmpeg";

    public static string Resolve(SourceContext context)
    {
        if (context.OptionValue("ffmpeg") is { Length: > 0 } configured) return configured;
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment;
        return File.Exists(DefaultPath) ? DefaultPath : "ffmpeg";
    }
}
