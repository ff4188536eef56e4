using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Sluice.Dashboard.Tests;

/// <summary>
/// One host (a live stream with thumbnails and a DVR, two notify blocks, an HTTPS listener with a certificate
/// made for the test in the spec's layout) and Debian's chromium for the page tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Secret = "Sup3r-s3cret";

    public HostProcess Host { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public int HttpsPort { get; } = FreePort.Tcp();

    public async Task InitializeAsync()
    {
        Host = await HostProcess.StartAsync($$"""
            https 127.0.0.1:{{HttpsPort}};
            stream cam { input fake://cam; thumbnails interval=1s width=160; title "Camera one"; dvr archive 1h; }
            notify hooks { sink http://127.0.0.1:9/hook?token={{Secret}}; }
            notify file { sink log://events.jsonl; }
            """, prepare: folder => Sluice.Host.Tests.Support.SpecCertificates.Write(folder));
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Launch(Playwright);
    }

    /// <summary>Debian's chromium (no browser download); root needs --no-sandbox; the player autoplays muted.</summary>
    public static Task<IBrowser> Launch(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
    });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// The dashboard in real headless Chromium against the real host: every page, live values equal to the API's,
/// the HLS player playing, the event tail's filter box, the configuration check, screenshots kept in
/// artifacts/dashboard-screenshots/.
/// </summary>
public sealed class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    private HostProcess Host => fixture.Host;

    private async Task<IPage> OpenAsync(string hash, IBrowserContext? context = null)
    {
        context ??= await fixture.Browser.NewContextAsync(new() { BaseURL = Host.BaseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Long.TotalMilliseconds);
        await page.GotoAsync("/" + hash);
        await page.WaitForURLAsync("**/dashboard/**");
        return page;
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Repo.Screenshots, name + ".png"), FullPage = true });

    private async Task<JsonElement> ApiAsync(string path) => JsonDocument.Parse(await Host.Http.GetStringAsync(path)).RootElement.Clone();

    [Fact]
    public async Task Root_redirects_to_the_dashboard_and_the_streams_page_shows_what_the_api_says_with_a_thumbnail()
    {
        using (var r = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }).GetAsync(Host.BaseUrl + "/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Equal("/dashboard/", r.Headers.Location?.OriginalString);
        }
        var page = await OpenAsync("");
        var row = page.Locator("tr[data-stream='cam']");
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("running", new() { Timeout = 60_000 });

        var api = (await ApiAsync("/api/v1/streams/cam"));
        await Expect(row.Locator("[data-field=input]")).ToHaveTextAsync(api.GetProperty("input").GetString()!);
        await Expect(row.Locator("[data-field=viewers]")).ToHaveTextAsync(api.GetProperty("viewers").GetInt32().ToString());
        // The bitrate moves every second: the page's (refreshed every 2 s) is within a factor of two of the API's.
        var shown = long.Parse(await row.Locator("[data-field=bitrate_kbps]").InnerTextAsync());
        var bitrate = (await ApiAsync("/api/v1/streams/cam")).GetProperty("bitrate_kbps").GetInt64();
        Assert.True(shown > 0 && shown <= bitrate * 2 && shown >= bitrate / 2, $"page {shown} kbit/s, API {bitrate} kbit/s");

        // The thumbnail is a decoded picture (the browser's own JPEG decoder), 160 pixels wide as configured.
        await page.WaitForFunctionAsync("() => { const i = document.querySelector(\"tr[data-stream='cam'] img.thumb\"); return i && i.complete && i.naturalWidth === 160; }");
        await ScreenshotAsync(page, "streams");
        Assert.DoesNotContain(DashboardFixture.Secret, await page.ContentAsync());
    }

    [Fact]
    public async Task The_stream_page_plays_the_live_hls_stream_and_shows_its_media_info_and_events()
    {
        var page = await OpenAsync("#/stream/cam");
        await page.WaitForFunctionAsync("() => { const v = document.getElementById('player'); return v && v.currentTime > 2; }", null,
            new() { Timeout = 90_000, PollingInterval = 250 });
        var played = await page.EvaluateAsync<double>("() => document.getElementById('player').currentTime");
        Assert.True(played > 2, $"currentTime {played}");

        var api = await ApiAsync("/api/v1/streams/cam");
        var media = api.GetProperty("media_info");
        await Expect(page.Locator("[data-field=video]")).ToHaveTextAsync(
            $"{media.GetProperty("video_codec").GetString()} {media.GetProperty("width").GetInt32()}x{media.GetProperty("height").GetInt32()}");
        await Expect(page.Locator("[data-field=title]")).ToHaveTextAsync("Camera one");
        await Expect(page.Locator("#stream-events .event").First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "stream");
    }

    [Fact]
    public async Task The_stream_page_shows_the_archive_ranges_the_dvr_recorded()
    {
        var page = await OpenAsync("#/stream/cam");
        var rows = page.Locator("#archive[data-state=ranges] #archive-ranges tbody tr");
        await Expect(rows.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
        var dvr = await ApiAsync("/api/v1/streams/cam/dvr");
        var ranges = dvr.GetProperty("ranges").EnumerateArray().ToArray();
        Assert.NotEmpty(ranges);
        await Expect(rows).ToHaveCountAsync(ranges.Length);
        var from = ranges[0].GetProperty("from").GetInt64();
        await Expect(rows.First).ToHaveAttributeAsync("data-from", from.ToString());
        await Expect(rows.First.Locator("[data-field=from]")).ToHaveTextAsync(DateTimeOffset.FromUnixTimeSeconds(from).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " UTC");
        await Expect(page.Locator("#archive-summary")).ToContainTextAsync("Recording;");
        await Expect(page.Locator("#archive-summary")).ToContainTextAsync("kept 3600 s");

        // Its links are the DVR's own URLs, and they answer.
        var playlist = await rows.First.Locator("a", new() { HasText = "playlist" }).GetAttributeAsync("href");
        var duration = await rows.First.GetAttributeAsync("data-duration");
        Assert.Equal($"/cam/index-{from}-{duration}.m3u8", playlist);
        Assert.Contains("#EXT-X-ENDLIST", await Host.Http.GetStringAsync(playlist));
        await ScreenshotAsync(page, "stream-archive");
    }

    [Fact]
    public async Task The_dashboard_opens_over_the_https_listener_in_the_browser()
    {
        var context = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = $"https://127.0.0.1:{fixture.HttpsPort}",
            IgnoreHTTPSErrors = true, // the test's own CA is not in chromium's store; the certificate is checked below
            ViewportSize = new() { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Long.TotalMilliseconds);
        var response = await page.GotoAsync("/");
        await page.WaitForURLAsync($"https://127.0.0.1:{fixture.HttpsPort}/dashboard/**");
        var row = page.Locator("tr[data-stream='cam']");
        await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync("running", new() { Timeout = 60_000 });
        var api = await ApiAsync("/api/v1/streams/cam");
        await Expect(row.Locator("[data-field=input]")).ToHaveTextAsync(api.GetProperty("input").GetString()!);

        // Served over TLS by the certificate the test made, and over HTTP/2 (ALPN).
        var security = await response!.SecurityDetailsAsync();
        Assert.NotNull(security);
        Assert.Equal("Sluice test CA", security!.Issuer);
        Assert.Equal("localhost", security.SubjectName);
        var protocol = await page.EvaluateAsync<string>("() => performance.getEntriesByType('navigation')[0].nextHopProtocol");
        Assert.Equal("h2", protocol);
        await ScreenshotAsync(page, "streams-https");
    }

    [Fact]
    public async Task The_notify_and_plugins_pages_show_the_api_values_and_no_secret()
    {
        var page = await OpenAsync("#/notify");
        var hooks = page.Locator("tr[data-block='hooks']");
        await Expect(hooks.Locator("[data-field=last_error]")).Not.ToBeEmptyAsync(); // 127.0.0.1:9 refuses
        var blocks = (await ApiAsync("/api/v1/notify")).GetProperty("handlers").EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!);
        await Expect(hooks.Locator("[data-field=sink]")).ToHaveTextAsync(blocks["hooks"].GetProperty("sink").GetString()!);
        await Expect(page.Locator("tr[data-block='file'] [data-field=sink]")).ToHaveTextAsync(blocks["file"].GetProperty("sink").GetString()!);
        // Counters only grow: what the page shows is at most what the API says right after.
        var failed = long.Parse(await hooks.Locator("[data-field=failed_batches]").InnerTextAsync());
        var apiFailed = (await ApiAsync("/api/v1/notify")).GetProperty("handlers").EnumerateArray()
            .First(b => b.GetProperty("name").GetString() == "hooks").GetProperty("failed_batches").GetInt64();
        Assert.InRange(failed, 1, apiFailed);
        Assert.DoesNotContain(DashboardFixture.Secret, await page.ContentAsync());
        await ScreenshotAsync(page, "notify");

        await page.GotoAsync("/dashboard/#/plugins");
        foreach (var plugin in (await ApiAsync("/api/v1/plugins")).GetProperty("plugins").EnumerateArray())
        {
            var row = page.Locator($"tr[data-plugin='{plugin.GetProperty("name").GetString()}']");
            await Expect(row.Locator("[data-field=version]")).ToHaveTextAsync(plugin.GetProperty("version").GetString() ?? "");
            await Expect(row.Locator("[data-field=state]")).ToHaveTextAsync(plugin.GetProperty("state").GetString()!);
        }
        await Expect(page.Locator("#history tbody tr").First).ToBeVisibleAsync(); // the plugins added at start
        await ScreenshotAsync(page, "plugins");
    }

    [Fact]
    public async Task The_event_tail_page_shows_only_what_its_filter_box_takes()
    {
        var page = await OpenAsync("#/events");
        await page.FillAsync("#only", "event=dashboard_marker");
        await page.ClickAsync("#filter button[type=submit]");
        await page.WaitForSelectorAsync("#events-list[data-connected=true]");
        var events = """[{"event":"dashboard_marker","media":"m1","n":1},{"event":"dashboard_other","media":"m1"},{"event":"dashboard_marker","media":"m2","n":2}]""";
        using var posted = await Host.Http.PostAsync("/api/v1/events", new StringContent(events, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        await Expect(page.Locator("#events-list .event")).ToHaveCountAsync(2);
        await Expect(page.Locator("#events-list .event[data-event=dashboard_marker]")).ToHaveCountAsync(2);
        await ScreenshotAsync(page, "events");

        // A bad filter line: the API's 400 message is shown.
        await page.FillAsync("#only", "event=x verbose");
        await page.ClickAsync("#filter button[type=submit]");
        await Expect(page.Locator("#status")).ToContainTextAsync("only");
    }

    [Fact]
    public async Task The_configuration_check_box_shows_file_line_col_messages()
    {
        var page = await OpenAsync("#/check");
        await page.FillAsync("#config", "stream cam {\n  input fake://cam;\n  thumbnails interval=1ms;\n}\n");
        await page.ClickAsync("#run-check");
        await Expect(page.Locator("#verdict")).ToHaveTextAsync("invalid");
        await Expect(page.Locator("#messages li.error")).ToContainTextAsync("pasted.conf:3:14: ");
        await ScreenshotAsync(page, "check");

        await page.FillAsync("#config", "stream cam { input fake://cam; }\n");
        await page.ClickAsync("#run-check");
        await Expect(page.Locator("#verdict")).ToHaveTextAsync("valid");
    }

    [Fact]
    public async Task Pages_need_view_access_and_actions_edit_access()
    {
        await using var host = await HostProcess.StartAsync("view_auth viewer vpass;\nedit_auth admin apass;\nstream cam { input fake://cam; }\n");
        using (var anonymous = await host.Http.GetAsync("/dashboard/"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var viewer = await fixture.Browser.NewContextAsync(new() { BaseURL = host.BaseUrl, HttpCredentials = new() { Username = "viewer", Password = "vpass" } });
        var page = await viewer.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/dashboard/#/stream/cam");
        await Expect(page.Locator("[data-field=state]")).ToHaveTextAsync("running");
        await page.ClickAsync("#stop");
        await Expect(page.Locator("#status")).ToContainTextAsync("edit_auth credentials required");
        Assert.DoesNotContain("vpass", await page.ContentAsync());
        Assert.DoesNotContain("apass", await page.ContentAsync());

        var admin = await fixture.Browser.NewContextAsync(new() { BaseURL = host.BaseUrl, HttpCredentials = new() { Username = "admin", Password = "apass" } });
        var adminPage = await admin.NewPageAsync();
        adminPage.SetDefaultTimeout(60_000);
        await adminPage.GotoAsync("/dashboard/#/stream/cam");
        await adminPage.ClickAsync("#stop");
        await Expect(adminPage.Locator("#status")).ToHaveTextAsync("stream cam stopped");
        await adminPage.ClickAsync("#reload");
        await Expect(adminPage.Locator("#status")).ToHaveTextAsync("configuration reloaded");
    }
}
