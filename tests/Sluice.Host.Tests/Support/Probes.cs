using System.Text;

namespace Sluice.Host.Tests.Support;

/// <summary>Numbered probe events: posted to the host's API, read back from a log:// sink's file.</summary>
internal static class Probes
{
    public static async Task PostAsync(SluiceProcess host, string name, int seq)
    {
        using var body = new StringContent($"{{\"event\":\"{name}\",\"seq\":{seq}}}", Encoding.UTF8, "application/json");
        using var r = await host.Http.PostAsync("/api/v1/events", body);
        r.EnsureSuccessStatusCode();
    }

    /// <summary>Waits (bounded) until the log holds as many probes as expected, then checks they are those.</summary>
    public static async Task WaitForSeqsAsync(string logPath, long[] expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        long[] seqs = [];
        while (DateTime.UtcNow < deadline)
        {
            seqs = (await EventLog.ReadAsync(logPath)).Select(e => e.GetProperty("seq").GetInt64()).ToArray();
            if (seqs.Length >= expected.Length) break;
            await Task.Delay(50);
        }
        Assert.Equal(expected, seqs);
    }
}
