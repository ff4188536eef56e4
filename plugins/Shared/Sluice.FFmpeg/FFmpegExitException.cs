namespace Sluice.FFmpeg;

/// <summary>ffmpeg ended with an error; carries its exit code and last stderr lines.</summary>
public sealed class FFmpegExitException(int exitCode, string lastLines)
    : Exception($"ffmpeg exited with code {exitCode}" + (lastLines.Length > 0 ? ": " + lastLines : ""))
{
    public int ExitCode { get; } = exitCode;
}
