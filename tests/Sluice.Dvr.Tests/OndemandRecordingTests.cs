using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>The real host: an <c>ondemand</c> stream with <c>dvr</c> records while a viewer keeps it running, and only then.</summary>
public sealed class OndemandRecordingTests
{
    [Fact]
    public async Task An_ondemand_stream_records_only_while_it_runs()
    {
        using var folder = new TempFolder();
        var archive = Path.Combine(folder.Path, "archive", "cam");
        await using var host = await HostProcess.StartAsync(folder.Path, """
            ondemand cam {
              input fake://cam size=320x180 bitrate=500k;
              clients_timeout 2;
              dvr archive 1h;
            }

            """);

        // Nobody watches: nothing runs, nothing is recorded.
        await NothingRecordedForAsync(host, archive, 0, TimeSpan.FromSeconds(3));
        Assert.Empty(host.Events("stream_started", "cam"));

        // A viewer starts it: fragments appear.
        await WatchAsync(host, until: () => host.Events("dvr_new_fragment", "cam").Length >= 2);
        Assert.Single(host.Events("stream_started", "cam"));

        // The viewer left: the stream stops after clients_timeout, the fragment in progress is finished, then nothing more.
        await host.WaitForEventsAsync("stream_stopped", 1, TimeSpan.FromSeconds(60), e => e.GetProperty("media").GetString() == "cam");
        await Until(async () => !(await host.JsonAsync("/cam/recording_status.json")).GetProperty("recording").GetBoolean(), "the recorder to finish");
        var recorded = host.Events("dvr_new_fragment", "cam").Length;
        await NothingRecordedForAsync(host, archive, recorded, TimeSpan.FromSeconds(4));
        Assert.Empty(Directory.EnumerateFiles(archive, "*.part", SearchOption.AllDirectories));
        Assert.Equal(recorded, Directory.EnumerateFiles(archive, "*.ts", SearchOption.AllDirectories).Count());
        var status = await host.JsonAsync("/cam/recording_status.json");
        var range = Assert.Single(status.GetProperty("ranges").EnumerateArray()); // the stopped stream still serves what it recorded
        using (var playlist = await host.Http.GetAsync($"/cam/index-{range.GetProperty("from").GetInt64()}-{range.GetProperty("duration").GetInt64()}.m3u8"))
            Assert.True(playlist.IsSuccessStatusCode);

        // The next viewer starts it again, and it records again.
        await WatchAsync(host, until: () => host.Events("dvr_new_fragment", "cam").Length >= recorded + 1);
        Assert.Equal(2, host.Events("stream_started", "cam").Length);
    }

    /// <summary>Reads <c>/cam/mpegts</c> (a viewer that keeps the stream running) until <paramref name="until"/> holds, then leaves.</summary>
    private static async Task WatchAsync(HostProcess host, Func<bool> until)
    {
        using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var response = await host.Http.GetAsync("/cam/mpegts", HttpCompletionOption.ResponseHeadersRead, leave.Token);
        Assert.True(response.IsSuccessStatusCode, $"GET /cam/mpegts: {(int)response.StatusCode}");
        await using var body = await response.Content.ReadAsStreamAsync(leave.Token);
        var buffer = new byte[64 * 1024];
        while (!until())
        {
            Assert.False(leave.IsCancellationRequested, "timed out watching\n" + host.Output);
            var n = await body.ReadAsync(buffer, leave.Token);
            Assert.True(n > 0, "the viewer's stream ended");
        }
    }

    /// <summary>Checks for <paramref name="window"/> (polling) that no fragment is recorded beyond <paramref name="count"/>.</summary>
    private static async Task NothingRecordedForAsync(HostProcess host, string archive, int count, TimeSpan window)
    {
        var end = DateTime.UtcNow + window;
        while (DateTime.UtcNow < end)
        {
            Assert.Equal(count, host.Events("dvr_new_fragment", "cam").Length);
            var files = Directory.Exists(archive) ? Directory.EnumerateFiles(archive, "*", SearchOption.AllDirectories).Count() : 0;
            Assert.Equal(count, files);
            await Task.Delay(200);
        }
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
