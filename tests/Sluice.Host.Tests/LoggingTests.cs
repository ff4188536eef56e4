using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>Serilog to console and, with <c>logfile</c>, a file; <c>logrequests</c> logs every HTTP request.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task Logfile_receives_the_log_and_logrequests_adds_a_line_per_request()
    {
        await using var host = await SluiceProcess.StartAsync("logfile logs/sluice.log;\nlogrequests true;\nloglevel debug;\n");
        using (var r = await host.Http.GetAsync("/api/v1/server?probe=1")) r.EnsureSuccessStatusCode();

        var path = Path.Combine(host.WorkDirectory, "logs", "sluice.log");
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && !(text.Contains("started") && text.Contains("/api/v1/server?probe=1")))
        {
            await Task.Delay(200);
            if (File.Exists(path))
            {
                await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                text = await new StreamReader(s).ReadToEndAsync();
            }
        }
        Assert.Contains("started", text);
        Assert.Contains("GET /api/v1/server?probe=1 200", text);
        Assert.Contains("/api/v1/server?probe=1", host.Output); // the console gets it too
    }
}
