using System.Net;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>Reload by API and SIGHUP: an invalid file changes nothing; a valid one is applied.</summary>
public sealed class ReloadTests
{
    private static async Task<string?> HostnameAsync(SluiceProcess host)
    {
        using var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/server"));
        return doc.RootElement.GetProperty("hostname").GetString();
    }

    [Fact]
    public async Task Invalid_file_keeps_the_running_configuration_and_returns_the_errors()
    {
        await using var host = await SluiceProcess.StartAsync("http 127.0.0.1:{PORT};\nhostname first;\n");
        var text = await File.ReadAllTextAsync(host.ConfigPath);
        await File.WriteAllTextAsync(host.ConfigPath, text.Replace("hostname first;", "hostname second;\nmax_sessions zero;"));

        using var r = await host.Http.PostAsync("/api/v1/config/reload", null);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var body = await r.Content.ReadAsStringAsync();
        Assert.Contains("sluice.conf:3:14", body);
        Assert.Equal("first", await HostnameAsync(host));
    }

    [Fact]
    public async Task Valid_file_is_applied_by_api_and_by_sighup()
    {
        await using var host = await SluiceProcess.StartAsync("http 127.0.0.1:{PORT};\nhostname first;\n");
        var text = await File.ReadAllTextAsync(host.ConfigPath);

        await File.WriteAllTextAsync(host.ConfigPath, text.Replace("first", "second"));
        using (var r = await host.Http.PostAsync("/api/v1/config/reload", null))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("second", await HostnameAsync(host));

        await File.WriteAllTextAsync(host.ConfigPath, text.Replace("first", "third"));
        host.Signal(1); // SIGHUP
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await HostnameAsync(host) != "third" && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal("third", await HostnameAsync(host));
    }

    [Fact]
    public async Task Reload_opens_and_closes_http_listeners()
    {
        await using var host = await SluiceProcess.StartAsync("http 127.0.0.1:{PORT};\n");
        var second = FreePort.Tcp();
        var text = await File.ReadAllTextAsync(host.ConfigPath);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{second}"), Timeout = TimeSpan.FromSeconds(5) };

        await File.WriteAllTextAsync(host.ConfigPath, text + $"http 127.0.0.1:{second};\n");
        using (var r = await host.Http.PostAsync("/api/v1/config/reload", null)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusWithinAsync(client, TimeSpan.FromSeconds(10)));

        await File.WriteAllTextAsync(host.ConfigPath, text);
        using (var r = await host.Http.PostAsync("/api/v1/config/reload", null)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var closed = false;
        while (!closed && DateTime.UtcNow < deadline)
        {
            try { using var r = await client.GetAsync("/api/v1/server"); await Task.Delay(100); }
            catch (HttpRequestException) { closed = true; }
        }
        Assert.True(closed, $"127.0.0.1:{second} still answers after its http directive was removed");
    }

    private static async Task<HttpStatusCode?> StatusWithinAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try { using var r = await client.GetAsync("/api/v1/server"); return r.StatusCode; }
            catch (HttpRequestException) { await Task.Delay(100); }
        }
        return null;
    }
}
