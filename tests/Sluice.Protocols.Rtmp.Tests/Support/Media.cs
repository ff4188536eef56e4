using System.Text.Json;

namespace Sluice.Protocols.Rtmp.Tests.Support;

/// <summary>ffprobe and ffmpeg as the judges of what the host serves.</summary>
internal static class Media
{
    /// <summary>The codec names of the streams ffprobe finds at <paramref name="url"/>, sorted.</summary>
    public static async Task<string[]> CodecsAsync(string url)
    {
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "ffprobe", "-v", "error", "-rw_timeout", "20000000",
            "-show_entries", "stream=codec_name", "-of", "json", url);
        Assert.True(code == 0, $"ffprobe {url}: {output}");
        using var doc = JsonDocument.Parse(output[output.IndexOf('{')..]);
        return doc.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()!).Order().ToArray();
    }

    /// <summary>The flags of the first video packet of the media at <paramref name="url"/> (a segment: "K__" when it starts with a keyframe).</summary>
    public static async Task<string> FirstVideoPacketFlagsAsync(string url)
    {
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(60), "ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "packet=flags", "-read_intervals", "%+#1", "-of", "csv=p=0", url);
        Assert.True(code == 0, $"ffprobe {url}: {output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
    }

    /// <summary>Waits (bounded) until GET <paramref name="path"/> answers 200, returns its body.</summary>
    public static async Task<string> WaitForOkAsync(HttpClient http, string path, int timeoutSeconds = 40)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            try
            {
                using var r = await http.GetAsync(path);
                if (r.IsSuccessStatusCode) return await r.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"GET {path} did not answer 200 within {timeoutSeconds} s");
            await Task.Delay(250);
        }
    }
}
