using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.FFmpeg;

/// <summary>Network inputs that ffmpeg reads (RTSP, RTMP pull, HLS, SRT), remuxed to MPEG-TS by a child process.</summary>
public sealed class FFmpegSourcesPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSourceType(new FFmpegSourceFactory());
}
