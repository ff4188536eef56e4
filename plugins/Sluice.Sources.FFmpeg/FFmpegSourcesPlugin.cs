using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Streams;

namespace Sluice.Sources.FFmpeg;

/// <summary>Network inputs that ffmpeg reads (RTSP, HLS, SRT; RTMP is the RTMP plugin's), remuxed to MPEG-TS by a child process.</summary>
public sealed class FFmpegSourcesPlugin : ISluicePlugin
{
    public void Configure(IPluginBuilder plugin) => plugin.AddSourceType(new FFmpegSourceFactory());
}
