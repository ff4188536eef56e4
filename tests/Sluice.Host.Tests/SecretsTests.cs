using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// No secret of the configuration reaches anything a person sees: a real host with passwords, keys and
/// tokens in every place a configuration holds them, made to fail deliveries and sources (so errors quote
/// its URLs), reloaded with a broken file, its API read, `sluice check`/`explain`/`plugins` run on the
/// same files; every output is grepped for every secret.
/// </summary>
public sealed class SecretsTests
{
    private static readonly string[] Secrets =
    [
        "ViewPass_91", "EditPass_92", "MailPass_93", "HookPass_94", "QueryTok_95", "SignKey_96", "OptKey_97", "CamPass_98",
        "ReqTok_99", "BadPass_90", "CamPass2_89", "ScriptTok_88",
    ];

    private static AuthenticationHeaderValue Admin => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:EditPass_92")));

    [Fact]
    public async Task No_configured_secret_appears_in_logs_events_api_answers_or_cli_output()
    {
        var dead = FreePort.Tcp(); // nothing listens there: every delivery and the camera fail
        var config = $$"""
            loglevel debug;
            logrequests true;
            logfile sluice.log;
            view_auth viewer ViewPass_91;
            edit_auth admin EditPass_92;
            notify mail {
              sink smtp://mailuser:MailPass_93@127.0.0.1:{{dead}};
              from sluice@my.cdn;
              to ops@my.cdn;
              only event=stream_started,source_closed;
            }
            notify hook {
              sink http://hookuser:HookPass_94@127.0.0.1:{{dead}}/hook?token=QueryTok_95;
              sign_key SignKey_96;
              api_key OptKey_97;
            }
            notify all { sink log://events.log; }
            notify text { sink log://events.txt; format text; }
            stream cam { input rtsp://camuser:CamPass_98@127.0.0.1:{{dead}}/live; source_timeout 2; }
            """;
        await using var host = await SluiceProcess.StartAsync(config);
        var outputs = new List<(string Where, string Text)>();
        var http = host.Http;

        async Task<string> Get(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = Admin } };
            using var r = await http.SendAsync(request);
            var body = await r.Content.ReadAsStringAsync();
            outputs.Add(($"GET {path} ({(int)r.StatusCode})", body));
            return body;
        }

        // Let the sinks and the camera fail at least once (errors quote their URLs).
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (true)
        {
            var notify = await Get("/api/v1/notify");
            using var doc = JsonDocument.Parse(notify);
            var failed = doc.RootElement.GetProperty("handlers").EnumerateArray()
                .Where(h => h.GetProperty("last_error").ValueKind == JsonValueKind.String)
                .Select(h => h.GetProperty("name").GetString()).ToHashSet();
            var events = await EventLog.ReadAsync(Path.Combine(host.WorkDirectory, "events.log"));
            if (failed.SetEquals(["mail", "hook"]) && events.Any(EventLog.Is("stream_broken_source", "cam"))) break;
            Assert.True(DateTime.UtcNow < deadline, $"the deliveries and the camera did not fail in time: {notify}\n{host.Output}");
            await Task.Delay(300);
        }
        foreach (var path in new[] { "/api/v1/server?token=ReqTok_99", "/api/v1/plugins", "/api/v1/streams", "/api/v1/streams/cam" })
            await Get(path);
        using (var inject = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        { Headers = { Authorization = Admin }, Content = new StringContent("""{"event":"probe","media":"cam"}""") })
        using (var r = await http.SendAsync(inject))
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);

        // A broken file: the reload is refused, its errors quote the values as written.
        var broken = config + $$"""

            notify bad { sink smtp://baduser:BadPass_90@127.0.0.1:99999; to ops@my.cdn; }
            stream cam2 { input rtsp://u:CamPass2_89@127.0.0.1:1/x?token=ScriptTok_88 rtsp_transport=carrier-pigeon; }
            """;
        var brokenPath = Path.Combine(host.WorkDirectory, "broken.conf");
        await File.WriteAllTextAsync(brokenPath, "http 127.0.0.1:1;\n" + broken);
        await File.WriteAllTextAsync(host.ConfigPath, $"http 127.0.0.1:{host.Port};\n" + broken);
        using (var reload = new HttpRequestMessage(HttpMethod.Post, "/api/v1/config/reload") { Headers = { Authorization = Admin } })
        using (var r = await http.SendAsync(reload))
        {
            var body = await r.Content.ReadAsStringAsync();
            outputs.Add(("POST reload", body));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            Assert.Contains("bad port in 'smtp://baduser:***@127.0.0.1:99999'", body);
        }

        foreach (var args in new[]
        {
            new[] { "check", "-c", brokenPath },
            ["check", "-c", host.ConfigPath],
            ["notify", "explain", "-c", brokenPath, """{"event":"stream_started","media":"cam"}""", "--json"],
            ["plugins", "-c", brokenPath],
        })
        {
            var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync(args);
            outputs.Add(($"sluice {string.Join(' ', args)} (exit {code})", stdout + stderr));
        }
        Assert.Contains(outputs, o => o.Where.StartsWith("sluice check") && o.Text.Contains("bad port in 'smtp://baduser:***@127.0.0.1:99999'"));

        await host.WaitForOutputAsync("reload refused", TimeSpan.FromSeconds(10));
        foreach (var file in new[] { "sluice.log", "events.log", "events.txt" })
        {
            var path = Path.Combine(host.WorkDirectory, file);
            await using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            outputs.Add((file, await new StreamReader(s).ReadToEndAsync()));
        }
        outputs.Add(("console", host.Output));

        // The outputs really show what failed (with the secrets masked), so the grep below means something.
        var all = string.Join("\n", outputs.Select(o => o.Text));
        Assert.Contains("smtp://mailuser:***@127.0.0.1", all);
        Assert.Contains("token=***", all);
        Assert.Contains("rtsp://camuser:***@127.0.0.1", all);
        Assert.Contains("/api/v1/server?token=*** 200", host.Output); // logrequests logged the request, its token masked
        var leaks = (from o in outputs from secret in Secrets where o.Text.Contains(secret) select $"{secret} in {o.Where}").ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks) + "\n\n" + string.Join("\n\n", outputs.Select(o => $"== {o.Where}\n{o.Text}")));
    }
}
