using Microsoft.AspNetCore.Http;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Common.Tests;

/// <summary>The scripts' http.post against a real Kestrel receiver on loopback.</summary>
public sealed class ScriptHttpTests
{
    [Fact]
    public async Task Posts_json_with_the_scripts_headers_and_returns_status_and_text()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = async ctx => { ctx.Response.StatusCode = 207; await ctx.Response.WriteAsync("ünïcode answer"); };
        using var http = new ScriptHttp();
        var (status, body) = http.Post(receiver.BaseUrl + "/hook?x=1", "{\"a\":1}",
            [new("X-Token", "t0k"), new("Content-Type", "application/vnd.sluice+json")], TimeSpan.FromSeconds(10));

        Assert.Equal((207, "ünïcode answer"), (status, body));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("/hook", "?x=1", "{\"a\":1}"), (request.Path, request.Query, System.Text.Encoding.UTF8.GetString(request.Body)));
        Assert.Equal("t0k", request.Headers["X-Token"]);
        Assert.Equal("application/vnd.sluice+json", request.Headers["Content-Type"]);   // a script's content type wins
    }

    [Fact]
    public async Task Json_is_the_default_content_type()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        using var http = new ScriptHttp();
        http.Post(receiver.BaseUrl, "{}", [], TimeSpan.FromSeconds(10));
        Assert.StartsWith("application/json", Assert.Single(receiver.Requests).Headers["Content-Type"]);
    }

    [Theory]
    [InlineData("ftp://x/", "http.post: 'ftp://x/' is not an http(s) URL")]
    [InlineData("not a url", "http.post: 'not a url' is not an http(s) URL")]
    public void Only_http_urls_are_posted_to(string url, string message) =>
        Assert.Equal(message, Assert.Throws<ScriptHttpException>(() => new ScriptHttp().Post(url, "", [], TimeSpan.FromSeconds(1))).Message);

    [Fact]
    public void A_refused_connection_is_an_http_post_error() =>
        Assert.StartsWith("http.post: ", Assert.Throws<ScriptHttpException>(() => new ScriptHttp().Post("http://127.0.0.1:1/", "", [], TimeSpan.FromSeconds(5))).Message);

    [Fact]
    public async Task An_answer_later_than_the_time_left_fails_within_it()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var release = new TaskCompletionSource();
        receiver.Respond = async _ => await release.Task;
        using var http = new ScriptHttp();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<ScriptHttpException>(() => http.Post(receiver.BaseUrl, "", [], TimeSpan.FromMilliseconds(300)));
        release.SetResult();
        Assert.Equal("http.post: no answer before the time limit", e.Message);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }
}
