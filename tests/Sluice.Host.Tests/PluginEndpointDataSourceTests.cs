using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Host.Api;

namespace Sluice.Host.Tests;

/// <summary>Plugin routes come and go with their plugin while the listener keeps running.</summary>
public sealed class PluginEndpointDataSourceTests
{
    [Fact]
    public async Task Routes_are_replaced_without_restarting_the_listener()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.UseRouting();
        var source = new PluginEndpointDataSource(app.Services);
        ((IEndpointRouteBuilder)app).DataSources.Add(source);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/hello")).StatusCode);

        source.Update([r => r.MapGet("/hello", () => "v1")]);
        Assert.Equal("v1", await http.GetStringAsync("/hello"));

        source.Update([r => r.MapGet("/hello", () => "v2"), r => r.MapGet("/other", () => Results.Ok())]);
        Assert.Equal("v2", await http.GetStringAsync("/hello"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/other")).StatusCode);

        source.Update([]);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/hello")).StatusCode);
        await app.StopAsync();
    }
}
