namespace Sluice.Sources.Shared;

/// <summary>Which ffmpeg to run: option <c>ffmpeg PATH</c>, else <c>SLUICE_FFMPEG</c>, else Debian's <c>/usr/bin/ffmpeg</c>, else <c>ffmpeg</c> on PATH.</summary>
internal static class FFmpegLocator
{
    public const string EnvironmentVariable = "SLUICE_FFMPEG";
    public const string DefaultPath = "/usr/bin/ffmpeg";

    public static string Resolve(SourceOptions options)
    {
        if (options.Get("ffmpeg") is { } configured) return configured;
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment) return fromEnvironment;
        return File.Exists(DefaultPath) ? DefaultPath : "ffmpeg";
    }
}
