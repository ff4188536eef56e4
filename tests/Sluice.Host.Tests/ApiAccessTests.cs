using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Host.Api;
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

    [Fact]
    public async Task Without_edit_auth_writes_are_taken_from_loopback_and_the_host_warns_that_they_are_unauthenticated()
    {
        await using var host = await SluiceProcess.StartAsync("hostname open-node;\n");
        await host.WaitForOutputAsync("no edit_auth: API writes", TimeSpan.FromSeconds(10));
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload")))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await host.Http.PostAsync("/api/v1/events", new StringContent("{\"event\":\"hello\"}")))
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        Assert.Single(host.Output.Split('\n'), l => l.Contains("no edit_auth: API writes")); // a reload that changes nothing does not repeat it
    }

    [Fact]
    public async Task With_view_auth_alone_writes_need_at_least_the_view_credentials()
    {
        await using var host = await SluiceProcess.StartAsync("view_auth viewer vpass;\n");
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("view_auth credentials required", await r.Content.ReadAsStringAsync());
        }
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload", Basic("viewer", "wrong"))))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await host.Http.SendAsync(Post("/api/v1/config/reload", Basic("viewer", "vpass"))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await host.WaitForOutputAsync("accepted from loopback clients with the view_auth credentials only", TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("10.1.2.3", "POST", null, null, 403)]
    [InlineData("::ffff:192.168.1.9", "POST", null, null, 403)]
    [InlineData("2001:db8::1", "POST", "viewer:vpass", "view", 403)]
    [InlineData("10.1.2.3", "GET", null, null, 200)]
    [InlineData("127.0.0.9", "POST", null, null, 200)]
    [InlineData("::1", "POST", null, null, 200)]
    [InlineData("::ffff:127.0.0.1", "POST", null, null, 200)]
    [InlineData("127.0.0.1", "POST", null, "view", 401)]
    [InlineData("10.1.2.3", "POST", "admin:apass", "edit", 200)]
    [InlineData("10.1.2.3", "POST", "viewer:vpass", "view+edit", 401)]
    public async Task Without_edit_auth_writes_from_another_machine_are_refused(string remote, string method, string? credentials, string? auth, int status)
    {
        var policy = new ApiAccessPolicy(
            auth is "view" or "view+edit" ? ("viewer", "vpass") : null,
            auth is "edit" or "view+edit" ? ("admin", "apass") : null,
            []);
        var reached = false;
        var middleware = new ApiAccessMiddleware(_ => { reached = true; return Task.CompletedTask; }, () => policy);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Method = method;
        context.Request.Path = "/api/v1/events";
        if (credentials is not null) context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
        context.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(context);
        Assert.Equal(status == 200, reached);
        if (status != 200) Assert.Equal(status, context.Response.StatusCode);
        if (status == 403)
        {
            context.Response.Body.Position = 0;
            Assert.Contains("only from this machine while no edit_auth is set", new StreamReader(context.Response.Body).ReadToEnd());
        }
    }
}
