using Process = System.Diagnostics.Process;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>What an operator watching the console (and the API's uptime) is told by the real host.</summary>
public sealed class ConsoleLogTests
{
    [Fact]
    public async Task A_failing_source_is_one_warning_per_state_change_not_per_retry_and_shutdown_is_one_line()
    {
        var dead = FreePort.Tcp();
        await using var host = await SluiceProcess.StartAsync($$"""
            stream dead { input tshttp://127.0.0.1:{{dead}}/a.ts; source_timeout 1; }
            stream cam { input tshttp://127.0.0.1:{{dead}}/b.ts; input fake://cam; source_timeout 3; }
            notify all { sink log://events.log; }
            """);
        var log = Path.Combine(host.WorkDirectory, "events.log");
        var events = await EventLog.WaitForAsync(log, EventLog.Is("source_started", "cam"), TimeSpan.FromSeconds(40), "cam on its second input");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Count(EventLog.Is("source_closed", "dead")) < 4)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead stream did not retry 4 times");
            await Task.Delay(200);
            events = await EventLog.ReadAsync(log);
        }

        var lines = host.Output.Split('\n');
        var deadWarnings = lines.Where(l => l.Contains("[WRN]") && l.Contains("stream dead:")).ToArray();
        Assert.True(deadWarnings.Length == 1, "one warning for the dead stream, not:\n" + string.Join("\n", deadWarnings));
        var line = deadWarnings[0];
        Assert.Contains($"source tshttp://127.0.0.1:{dead}/a.ts failed (", line);   // (error: refused) or (timeout) on a loaded machine
        Assert.Single(lines, l => l.Contains("[WRN]") && l.Contains("stream cam: running on input 2 of 2, fake://cam (failed over after"));
        Assert.DoesNotContain(lines, l => l.Contains("[WRN]") && l.Contains("ffmpeg:"));

        host.Signal(15);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var stopping = Assert.Single(host.Output.Split('\n'), l => l.Contains("stopping after"));
        Assert.Contains("[INF]", stopping);
    }

    [Fact]
    public async Task Uptime_counts_from_when_the_server_serves_not_from_the_process_start()
    {
        // As ./run.sh does: a shell works first (the build there; a `sluice check` here), then execs the host,
        // which keeps the shell's process and so its start time.
        var dir = Directory.CreateTempSubdirectory("sluice-uptime-").FullName;
        try
        {
            var port = FreePort.Tcp();
            var config = Path.Combine(dir, "sluice.conf");
            await File.WriteAllTextAsync(config, $"http 127.0.0.1:{port};\n");
            var psi = new ProcessStartInfo("/bin/bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("\"$0\" check -c \"$1\" >/dev/null && date +%s%3N > exec.ms && exec \"$0\" run -c \"$1\"");
            psi.ArgumentList.Add(RepoPaths.HostExecutable);
            psi.ArgumentList.Add(config);
            using var process = Process.Start(psi)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
                var deadline = DateTime.UtcNow.AddSeconds(40);
                string? body = null;
                while (body is null)
                {
                    Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "the host did not come up");
                    try { body = await http.GetStringAsync("/api/v1/server"); }
                    catch (HttpRequestException) { await Task.Delay(100); }
                }
                var answeredMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var execMs = long.Parse(File.ReadAllText(Path.Combine(dir, "exec.ms")).Trim());
                var processStartMs = new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds();
                Assert.True(execMs - processStartMs > 100, "the shell did no work before exec; the test proves nothing");

                using var doc = JsonDocument.Parse(body);
                var startedMs = doc.RootElement.GetProperty("started_at").GetDateTimeOffset().ToUnixTimeMilliseconds();
                var uptimeMs = doc.RootElement.GetProperty("uptime_s").GetDouble() * 1000;
                Assert.True(startedMs >= execMs, $"started_at {startedMs} is before the exec at {execMs} (process start {processStartMs})");
                Assert.True(uptimeMs <= answeredMs - execMs + 50, $"uptime {uptimeMs} ms counts more than the {answeredMs - execMs} ms since exec");
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
