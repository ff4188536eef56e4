using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Host.Api;
using Sluice.Host.Events;
using Sluice.Host.Notify;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

/// <summary>The events and notify endpoints on a real Kestrel listener on 127.0.0.1.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private readonly RouterFixture _f = new();
    private WebApplication? _app;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        await _f.Apply("notify all { sink collect://all; }\nnotify custom { sink collect://custom; only event=custom; }");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_f.Router);
        _app = builder.Build();
        _app.MapEventsApi();
        _app.MapNotifyApi(_f.Router);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http.BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _f.DisposeAsync();
        _http.Dispose();
    }

    private Task<HttpResponseMessage> Post(string json) =>
        _http.PostAsync("/api/v1/events", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Posting_one_event_fills_id_time_server_and_level_and_keeps_every_field()
    {
        var response = await Post("""{"event":"custom","media":"cbc","bytes":1234,"ratio":0.25,"ok":true,"tags":["a","b"],"geo":{"country":"RU"}}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("""{"accepted":1}""", await response.Content.ReadAsStringAsync());
        await Conf.WaitUntil(() => _f.Factory.Sink("collect://custom").Events.Count == 1);
        var e = _f.Factory.Sink("collect://custom").Events[0];
        Assert.Equal("cbc", e.Media);
        Assert.Equal(EventLevel.Info, e.Level);
        Assert.Equal("test-server", e.Server);
        Assert.False(string.IsNullOrEmpty(e.Id));
        Assert.Equal(EventValueKind.Integer, e["bytes"].Kind);
        Assert.Equal(0.25, e["ratio"].AsNumber);
        Assert.True(e["ok"].AsBoolean);
        Assert.Equal("""["a","b"]""", e["tags"].ToString());
        using var doc = JsonDocument.Parse(e.ToJson());
        Assert.Equal("RU", doc.RootElement.GetProperty("geo").GetProperty("country").GetString());
    }

    [Fact]
    public async Task Posting_an_array_routes_every_event_and_keeps_given_common_fields()
    {
        var response = await Post("""[{"event":"custom","id":"mine-1","utc_ms":1700000000000,"server":"edge1","level":"error"},{"event":"stream_started","media":"x"}]""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("""{"accepted":2}""", await response.Content.ReadAsStringAsync());
        await Conf.WaitUntil(() => _f.Factory.Sink("collect://all").Events.Count == 2);
        var first = _f.Factory.Sink("collect://custom").Events.Single();
        Assert.Equal(("mine-1", 1700000000000L, "edge1", EventLevel.Error), (first.Id, first.UtcMs, first.Server, first.Level));
    }

    [Theory]
    [InlineData("{\"event\":", "malformed JSON")]
    [InlineData("", "malformed JSON")]
    [InlineData("[{\"event\":\"a\"}, 5]", "item 1: an event must be a JSON object, got a number")]
    [InlineData("\"stream_started\"", "an event must be a JSON object, got a string")]
    [InlineData("{\"media\":\"cbc\"}", "missing 'event' field")]
    [InlineData("{\"event\":\"\"}", "'event' must be a non-empty string")]
    [InlineData("{\"event\":5}", "'event' must be a non-empty string")]
    [InlineData("{\"event\":\"x\",\"level\":\"loud\"}", "'level' must be one of debug, info")]
    [InlineData("{\"event\":\"x\",\"utc_ms\":\"now\"}", "'utc_ms' must be a whole number")]
    [InlineData("[]", "expected at least one event")]
    [InlineData("{\"event\":\"forged\\n2026-01-01T00:00:00.000Z error server_started\"}", "'event' may hold only letters, digits, '_', '-', '.' and ':' (at most 64), got \"forged\\n2026")]
    [InlineData("{\"event\":\"red\\u001b[31m\"}", "'event' may hold only letters")]
    [InlineData("{\"event\":\"x\",\"note\":\"\\ud800\"}", "'note' holds a lone UTF-16 surrogate")]
    [InlineData("{\"event\":\"x\\udc00\"}", "'event' holds a lone UTF-16 surrogate")]
    [InlineData("{\"event\":\"x\",\"\\ud800\":1}", "a field name holds a lone UTF-16 surrogate")]
    [InlineData("{\"event\":\"x\",\"n\":1,\"n\":2}", "\"n\" appears twice in one event")]
    [InlineData("[{\"event\":\"x\",\"n\":1},{\"event\":\"x\",\"id\":\"a\",\"id\":\"b\"}]", "item 1: \"id\" appears twice in one event")]
    public async Task Bad_input_is_a_400_with_a_clear_message(string body, string message)
    {
        var response = await Post(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, doc.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'e', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)'"', (byte)':', (byte)'"', 0xc3, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'e', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)'"', (byte)':', (byte)'"', (byte)'x', (byte)'"', (byte)',', (byte)'"', (byte)'n', (byte)'"', (byte)':', (byte)'"', 0xed, 0xa0, 0x80, (byte)'"', (byte)'}' })]
    public async Task Invalid_utf8_is_a_400_saying_so(byte[] body)
    {
        var response = await _http.PostAsync("/api/v1/events", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("UTF-8", doc.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Get_notify_lists_every_block_with_its_counters()
    {
        _f.Router.Emit(new EventDraft("custom"));
        await Conf.WaitUntil(() => _f.Stats("custom").Delivered == 1);
        var json = await _http.GetStringAsync("/api/v1/notify");
        using var doc = JsonDocument.Parse(json);
        var handlers = doc.RootElement.GetProperty("handlers").EnumerateArray().ToArray();
        Assert.Equal(["all", "custom"], handlers.Select(h => h.GetProperty("name").GetString()));
        var custom = handlers[1];
        Assert.Equal("collect://custom", custom.GetProperty("sink").GetString());
        Assert.Equal("collect", custom.GetProperty("sink_type").GetString());
        Assert.Equal(1, custom.GetProperty("delivered").GetInt64());
        Assert.Equal(1, custom.GetProperty("delivered_batches").GetInt64());
        foreach (var key in new[] { "queued", "failed_batches", "dropped", "in_resend_buffer", "last_error", "last_error_utc_ms" })
            Assert.True(custom.TryGetProperty(key, out _), key);
    }
}
