using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>view_auth, edit_auth and api_allowed_from against the real host process.</summary>
public sealed class ApiAccessTests
{
    private static AuthenticationHeaderValue Basic(string user, string pass) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{pass}")));

    private static HttpRequestMessage Get(string path, AuthenticationHeaderValue? auth = null) =>
        new(HttpMethod.Get, path) { Headers = { Authorization = auth } };

    private static HttpRequestMessage Post(string path, AuthenticationHeaderValue? auth = null) =>
        new(HttpMethod.Post, path) { Headers = { Authorization = auth } };

    [Fact]
    public async Task Server_info_is_open_without_auth_directives()
    {
        await using var host = await SluiceProcess.StartAsync("hostname test-node;\n");
        using var r = await host.Http.GetAsync("/api/v1/server");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal("test-node", doc.RootElement.GetProperty("hostname").GetString());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("version").GetString()));
        Assert.True(doc.RootElement.GetProperty("uptime_s").GetDouble() >= 0);
    }

    [Fact]
    public async Task View_auth_protects_reads_and_edit_auth_protects_writes()
    {
        await using var host = await SluiceProcess.StartAsync("view_auth viewer vpass;\nedit_auth admin apass;\n");

        using (var r = await host.Http.SendAsync(Get("/api/v1/server")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("Basic", r.Headers.WwwAuthenticate.ToString());
        }
        using (var r = await host.Http.SendAsync(Get("/api/v1/server", Basic("viewer", "wrong"))))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await host.Http.SendAsync(Get("/api/v1/server", Basic("viewer", "vpass"))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await host.Http.SendAsync(Get("/api/v1/plugins", Basic("admin", "apass"))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // Writes: view credentials are not enough.
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload")))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload", Basic("viewer", "vpass"))))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload", Basic("admin", "apass"))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Api_allowed_from_refuses_other_addresses_with_403()
    {
        await using (var host = await SluiceProcess.StartAsync("api_allowed_from 10/8 192.168/16;\n"))
        {
            using var r = await host.Http.GetAsync("/api/v1/server");
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        }
        await using (var host = await SluiceProcess.StartAsync("api_allowed_from 10/8 127.0.0.1;\n"))
        {
            using var r = await host.Http.GetAsync("/api/v1/server");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }
}
