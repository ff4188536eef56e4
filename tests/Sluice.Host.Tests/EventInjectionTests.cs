using System.Net;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>POST /api/v1/events against the real host with input an attacker would send.</summary>
public sealed class EventInjectionTests
{
    [Fact]
    public async Task Invalid_utf8_lone_surrogates_and_forged_names_are_400_and_leave_at_most_one_log_line_each()
    {
        await using var host = await SluiceProcess.StartAsync("notify text { sink log://events.txt; format text; }\n");
        await host.WaitForOutputAsync("started as", TimeSpan.FromSeconds(20));
        var before = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        byte[][] bodies =
        [
            [0x7b, 0x22, 0x65, 0x76, 0x65, 0x6e, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d], // {"event":"\xff"}
            "{\"event\":\"x\",\"note\":\"\\ud800\"}"u8.ToArray(),
            "{\"event\":\"forged\\n2026-01-01T00:00:00.000Z error server_started\"}"u8.ToArray(),
        ];
        foreach (var body in bodies)
        {
            using var r = await host.Http.PostAsync("/api/v1/events", new ByteArrayContent(body));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("\"error\":", await r.Content.ReadAsStringAsync());
        }
        using (var ok = await host.Http.PostAsync("/api/v1/events", new StringContent("{\"event\":\"after\",\"note\":\"two\\nlines\"}")))
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);

        var path = Path.Combine(host.WorkDirectory, "events.txt");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(File.Exists(path) && File.ReadAllText(path).Contains(" after ")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        var lines = File.ReadAllLines(path);
        Assert.Contains(lines, l => l.Contains(" after ") && l.Contains("note=\"two\\nlines\""));
        Assert.DoesNotContain(lines, l => l.Contains("forged"));
        var logged = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(before).ToArray();
        Assert.True(logged.Length <= bodies.Length, string.Join("\n", logged));
        Assert.DoesNotContain(logged, l => l.TrimStart().StartsWith("at ") || l.Contains("Exception"));
    }
}
