using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>The README's run command: `sluice run` on the embedded default configuration serves a playable demo.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Default_configuration_serves_the_demo_stream_and_logs_its_events()
    {
        var eventsLog = Path.Combine(RepoPaths.HostDirectory, "demo-events.log");
        File.Delete(eventsLog);
        await using var host = await SluiceProcess.StartDefaultAsync();

        await MediaTools.WaitForOkAsync(host.Http, "/demo/index.m3u8", TimeSpan.FromSeconds(40));
        var streams = await MediaTools.ProbeStreamsAsync("http://127.0.0.1:8080/demo/index.m3u8");
        Assert.Equal(["aac", "h264"], MediaTools.Codecs(streams));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var text = "";
        while (DateTime.UtcNow < deadline && !(text.Contains("stream_started") && text.Contains("source_started")))
        {
            await Task.Delay(200);
            if (File.Exists(eventsLog))
            {
                await using var s = new FileStream(eventsLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                text = await new StreamReader(s).ReadToEndAsync();
            }
        }
        Assert.Contains("server_started", text);
        Assert.Contains("stream_started", text);
        Assert.Contains("source_started", text);
        Assert.Contains("media=demo", text);
    }
}
