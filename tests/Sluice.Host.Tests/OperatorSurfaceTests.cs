using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// The operator surface of the real host process, checked with the tools an operator would use:
/// <c>/metrics</c> through Debian's <c>promtool check metrics</c>, the OpenAPI document through
/// <c>redocly lint</c> (npm, tools/node) and its routes called as documented, the SSE event tail with a
/// filter, and HTTPS through curl (HTTP/1.1 and HTTP/2) against a certificate made here in the spec's layout.
/// </summary>
public sealed class OperatorSurfaceTests
{
    private const string Secret = "s3cr3t-Pa55";

    [Fact]
    public async Task Metrics_pass_promtool_while_streams_and_blocks_run_and_hold_no_secret()
    {
        await using var host = await SluiceProcess.StartAsync($$"""
            stream cam { input fake://cam; }
            notify hooks { sink http://127.0.0.1:9/hook?token={{Secret}}; }
            notify file { sink log://events.jsonl; }
            """);
        await MediaTools.WaitForOkAsync(host.Http, "/cam/index.m3u8", TimeSpan.FromSeconds(40));
        var text = await WaitForMetricAsync(host, "sluice_stream_input_frames_total{stream=\"cam\"}");

        var (code, stdout, stderr) = await RunWithInputAsync("promtool", text, "check", "metrics");
        Assert.True(code == 0, $"promtool check metrics: {stdout}{stderr}");
        Assert.Equal("", (stdout + stderr).Trim()); // no lint warning either (names, units, help)

        Assert.Contains("sluice_stream_state{state=\"running\",stream=\"cam\"} 1", text);
        Assert.Matches(@"sluice_notify_queued_events\{block=""hooks""\} \d", text);
        Assert.Contains("# TYPE sluice_notify_delivered_events_total counter", text);
        Assert.Contains("sluice_plugins{state=\"loaded\"}", text);
        Assert.Contains("# TYPE process_cpu_seconds_total counter", text);
        Assert.DoesNotContain(Secret, text);
    }

    [Fact]
    public async Task Metrics_are_guarded_like_the_api()
    {
        await using var host = await SluiceProcess.StartAsync("view_auth viewer vpass;\n");
        using var anonymous = await host.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("viewer:vpass"u8.ToArray()));
        using var viewer = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_passes_redocly_lint_and_its_get_routes_answer_as_documented()
    {
        await using var host = await SluiceProcess.StartAsync($$"""
            stream cam { input fake://cam; thumbnails; }
            notify hooks { sink http://127.0.0.1:9/hook; sign_key {{Secret}}; }
            """);
        var json = await host.Http.GetStringAsync("/api/v1/openapi.json");
        Assert.DoesNotContain(Secret, json);
        var file = Path.Combine(host.WorkDirectory, "openapi.json");
        await File.WriteAllTextAsync(file, json);
        var redocly = Path.Combine(RepoPaths.Root, "tools", "node", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} missing: run scripts/install-deps.sh (npm ci in tools/node)");
        var (code, stdout, stderr) = await MediaTools.RunAsync(redocly, TimeSpan.FromMinutes(2), "lint", file, "--format=stylish");
        Assert.True(code == 0, $"redocly lint: {stdout}{stderr}");

        using var doc = JsonDocument.Parse(json);
        Assert.StartsWith("3.", doc.RootElement.GetProperty("openapi").GetString());
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var expected in new[] { "/api/v1/server", "/api/v1/streams", "/api/v1/notify", "/api/v1/events/stream", "/metrics", "/api/v1/config/check" })
            Assert.True(paths.TryGetProperty(expected, out _), $"{expected} not documented");
        Assert.Contains(paths.EnumerateObject(), p => p.Name.Contains("preview.jpg") || p.Name.Contains("{path}")); // a plugin's route too

        // Every GET answers with a status it documents: routes with parameters once for the configured stream and once
        // for a name nobody configured; a JSON answer is documented as JSON.
        var checkedRoutes = 0;
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        foreach (var path in paths.EnumerateObject().Where(p => p.Name != "/api/v1/events/stream"))
        {
            if (!path.Value.TryGetProperty("get", out var get)) continue;
            var documented = get.GetProperty("responses").EnumerateObject().ToDictionary(x => x.Name, x => x.Value);
            var urls = path.Name.Contains('{')
                ? new[] { "cam", "nosuch" }.Select(value => Regex.Replace(path.Name, @"\{[^}]+\}", value)).ToArray()
                : [path.Name];
            foreach (var url in urls)
            {
                using var r = await noRedirects.GetAsync(url);
                var status = ((int)r.StatusCode).ToString();
                Assert.True(documented.ContainsKey(status), $"GET {url} ({path.Name}): {status}, documented {string.Join(", ", documented.Keys)}");
                if (r.Content.Headers.ContentType?.MediaType == "application/json" && documented[status].TryGetProperty("content", out var content))
                    Assert.True(content.TryGetProperty("application/json", out _), $"GET {url}: JSON, documented as {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes >= 10, $"only {checkedRoutes} GET routes checked");

        // The reference page is served from here, reads this document, and loads nothing from another site.
        var reference = await host.Http.GetStringAsync("/api/v1/reference");
        Assert.Contains("\"url\":\"api/v1/openapi.json\"", reference); // Scalar resolves it against the server root
        Assert.DoesNotMatch(@"(src|href)=""https?://", reference);
    }

    [Fact]
    public async Task The_event_tail_sends_only_what_its_filter_takes()
    {
        await using var host = await SluiceProcess.StartAsync("");
        using var tail = new HttpClient { BaseAddress = host.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var bad = await host.Http.GetAsync("/api/v1/events/stream?verbose=loud");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var url = "/api/v1/events/stream?only=" + Uri.EscapeDataString("event=stream_started,stream_stopped media=b")
            + "&except=" + Uri.EscapeDataString("event=stream_stopped");
        using var response = await tail.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": sluice event tail", await reader.ReadLineAsync());

        var events = """
            [{"event":"stream_started","media":"a"},{"event":"stream_stopped","media":"b"},
             {"event":"stream_started","media":"b"},{"event":"source_ready","media":"b"}]
            """;
        using var posted = await host.Http.PostAsync("/api/v1/events", new StringContent(events, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        // A second marker batch: the first message must still be the one the filter takes, nothing of the first batch before it.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var message = await ReadMessageAsync(reader, cts.Token);
        Assert.Equal("stream_started", message["event"]);
        using var data = JsonDocument.Parse(message["data"]);
        Assert.Equal("b", data.RootElement.GetProperty("media").GetString());
        Assert.Equal(data.RootElement.GetProperty("id").GetString(), message["id"]);

        using var more = await host.Http.PostAsync("/api/v1/events",
            new StringContent("""[{"event":"source_ready","media":"b"},{"event":"stream_started","media":"b","marker":2}]""", Encoding.UTF8, "application/json"));
        var next = await ReadMessageAsync(reader, cts.Token);
        Assert.Equal("stream_started", next["event"]);
        Assert.Contains("\"marker\":2", next["data"]);
    }

    [Fact]
    public async Task Https_serves_every_route_over_http1_and_http2_with_the_spec_certificate_files()
    {
        var work = Directory.CreateTempSubdirectory("sluice-https-").FullName;
        var ca = SpecCertificates.Write(work);
        var port = FreePort.Tcp();
        await using var host = await SluiceProcess.StartAsync($"https 127.0.0.1:{port};\nstream cam {{ input fake://cam; }}\n", workDir: work);
        await host.WaitForOutputAsync($"listening on https://127.0.0.1:{port}", TimeSpan.FromSeconds(10));

        foreach (var version in new[] { "--http1.1", "--http2" })
        {
            var (code, stdout, stderr) = await MediaTools.RunAsync("curl", TimeSpan.FromSeconds(30), "-sS", version, "--cacert", ca,
                "-o", "-", "-w", "\n%{http_version} %{http_code}", $"https://127.0.0.1:{port}/api/v1/server");
            Assert.True(code == 0, $"curl {version}: {stderr}");
            var status = stdout[(stdout.LastIndexOf('\n') + 1)..];
            Assert.Equal(version == "--http2" ? "2 200" : "1.1 200", status);
            Assert.Contains("\"version\"", stdout);
        }
        // A plugin's route (HLS) over TLS too.
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            var (code, stdout, _) = await MediaTools.RunAsync("curl", TimeSpan.FromSeconds(30), "-s", "--cacert", ca, "-w", "%{http_code}", "-o", "/dev/null",
                $"https://127.0.0.1:{port}/cam/index.m3u8");
            if (code == 0 && stdout == "200") break;
            Assert.True(DateTime.UtcNow < deadline, $"https /cam/index.m3u8: {stdout}");
            await Task.Delay(250);
        }

        // A reload reads the files again: a new certificate (same CA) is presented to the next handshake.
        var serialBefore = await ServedSerialAsync(port);
        SpecCertificates.Write(work);
        host.Signal(1);
        await host.WaitForOutputAsync("https: certificate from", TimeSpan.FromSeconds(20));
        Assert.NotEqual(serialBefore, await ServedSerialAsync(port));
    }

    [Fact]
    public async Task A_missing_or_bad_certificate_is_a_check_error_at_the_https_line()
    {
        var work = Directory.CreateTempSubdirectory("sluice-https-check-").FullName;
        var path = Path.Combine(work, "sluice.conf");
        await File.WriteAllTextAsync(path, "http 127.0.0.1:8099;\n  https 127.0.0.1:8443;\n");
        var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        Assert.NotEqual(0, code);
        Assert.Contains("sluice.conf:2:3: 'https' cannot use the certificate: no certificate", stdout + stderr);

        SpecCertificates.Write(work, keyPassword: "not-flussonic");
        (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        Assert.NotEqual(0, code);
        Assert.Contains("sluice.conf:2:3: 'https' cannot use the certificate:", stdout + stderr);
        Assert.Contains("cannot decrypt the key with Flussonic's key password", stdout + stderr);
        Assert.DoesNotContain("not-flussonic", stdout + stderr);
    }

    /// <summary>The serial number of the certificate the listener presents now.</summary>
    private static async Task<string> ServedSerialAsync(int port)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost");
        return ssl.RemoteCertificate!.GetSerialNumberString();
    }

    private static async Task<string> WaitForMetricAsync(SluiceProcess host, string series)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var text = await host.Http.GetStringAsync("/metrics");
            if (text.Contains(series, StringComparison.Ordinal)) return text;
            Assert.True(DateTime.UtcNow < deadline, $"no {series} in /metrics:\n{text}");
            await Task.Delay(250);
        }
    }

    /// <summary>One SSE message (lines up to a blank one), comments skipped.</summary>
    private static async Task<Dictionary<string, string>> ReadMessageAsync(StreamReader reader, CancellationToken ct)
    {
        var fields = new Dictionary<string, string>();
        while (true)
        {
            var line = await reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the event tail closed");
            if (line.Length == 0)
            {
                if (fields.Count > 0) return fields;
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':');
            fields[line[..colon]] = line[(colon + 1)..].TrimStart();
        }
    }

    private static async Task<(int, string, string)> RunWithInputAsync(string program, string input, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardInput.WriteAsync(input);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
