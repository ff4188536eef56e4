using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Sluice.Host.Tests.Support;

/// <summary>Real ffmpeg / ffprobe, run as child processes with a time limit.</summary>
internal static class MediaTools
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string program, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { p.Kill(true); throw new TimeoutException($"{program} {string.Join(' ', args)} took longer than {timeout}"); }
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>A clip of H.264 (keyframe every second) and AAC made by ffmpeg.</summary>
    public static async Task<string> MakeClipAsync(string path, int seconds = 6)
    {
        var (code, _, err) = await RunAsync("ffmpeg", TimeSpan.FromMinutes(2), "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", path);
        Assert.True(code == 0, err);
        return path;
    }

    /// <summary>ffprobe's streams of a URL or file; fails the test when ffprobe reports any error.</summary>
    public static async Task<JsonElement[]> ProbeStreamsAsync(string target)
    {
        var (code, stdout, stderr) = await RunAsync("ffprobe", TimeSpan.FromSeconds(60), "-v", "error", "-show_streams", "-of", "json", target);
        Assert.True(code == 0 && stderr.Trim().Length == 0, $"ffprobe {target}: exit {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.GetProperty("streams").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static string[] Codecs(JsonElement[] streams) => streams.Select(s => s.GetProperty("codec_name").GetString()!).Order().ToArray();

    /// <summary>Waits until GET <paramref name="path"/> answers 200 (a stream's first segment can take a few seconds).</summary>
    public static async Task<string> WaitForOkAsync(HttpClient http, string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        HttpStatusCode last = 0;
        while (DateTime.UtcNow < deadline)
        {
            using var r = await http.GetAsync(path);
            last = r.StatusCode;
            if (r.StatusCode == HttpStatusCode.OK) return await r.Content.ReadAsStringAsync();
            await Task.Delay(250);
        }
        throw new TimeoutException($"GET {path} did not answer 200 within {timeout} (last {(int)last})");
    }

    /// <summary>Sends a TS file to a UDP address in real time (7 packets a datagram), looping, until cancelled.</summary>
    public static async Task SendUdpAsync(string tsPath, int port, CancellationToken ct)
    {
        var data = await File.ReadAllBytesAsync(tsPath, ct);
        var duration = await DurationAsync(tsPath);
        using var udp = new UdpClient();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        const int chunk = 188 * 7;
        var perChunk = duration / Math.Max(1, data.Length / chunk);
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (!ct.IsCancellationRequested)
        {
            for (var off = 0; off + chunk <= data.Length && !ct.IsCancellationRequested; off += chunk)
            {
                await udp.SendAsync(data.AsMemory(off, chunk), target, ct);
                sent++;
                var ahead = TimeSpan.FromTicks(perChunk.Ticks * sent) - clock.Elapsed;
                if (ahead > TimeSpan.FromMilliseconds(2)) await Task.Delay(ahead, ct).ContinueWith(_ => { });
            }
        }
    }

    public static async Task<TimeSpan> DurationAsync(string path)
    {
        var (_, stdout, _) = await RunAsync("ffprobe", TimeSpan.FromSeconds(30), "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path);
        return TimeSpan.FromSeconds(double.Parse(stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
