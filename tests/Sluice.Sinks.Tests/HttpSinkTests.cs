using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Http;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

public sealed class HttpSinkTests : IDisposable
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new HttpSinkPlugin());
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Claims_http_and_https_specs_only()
    {
        Assert.True(_factory.Claims("http://backend.local/notify.php"));
        Assert.True(_factory.Claims("https://backend.local/notify.php"));
        Assert.False(_factory.Claims("log://x.log"));
        Assert.False(_factory.Claims("/etc/x.lua"));
    }

    [Fact]
    public async Task Posts_batches_in_order_as_json_arrays_signed_with_the_key_and_options_as_query()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var context = Context($"{receiver.BaseUrl}/notify.php?token=abc", _dir.Path,
            [Opt("client", "cdn one"), Opt("timeout", "5")], signKey: "s3cret");
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);

        var first = Batch(Event("stream_started", "cam1", new EventField("ip", "10.0.0.1")), Event("source_closed", "cam2"));
        var second = Batch(Event("stream_stopped", "cam3", new EventField("bytes", 42L)));
        await sink.DeliverAsync(first, CancellationToken.None);
        await sink.DeliverAsync(second, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        var ids = new List<string>();
        foreach (var r in requests)
        {
            Assert.Equal("/notify.php", r.Path);
            Assert.Equal("application/json", r.Headers["Content-Type"]);
            var expected = Convert.ToHexStringLower(SHA1.HashData([.. r.Body, .. Encoding.UTF8.GetBytes("s3cret")]));
            Assert.Equal(expected, r.Headers["X-Signature"]);
            var query = System.Web.HttpUtility.ParseQueryString(r.Query);
            Assert.Equal("abc", query["token"]);
            Assert.Equal("cdn one", query["client"]);
            Assert.Null(query["timeout"]); // the sink's own option is not forwarded
            using var doc = JsonDocument.Parse(r.Body);
            ids.AddRange(doc.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
        }
        Assert.Equal(first.Concat(second).Select(e => e.Id), ids);
        Assert.Equal(requests[0].ConnectionId, requests[1].ConnectionId); // one kept-alive connection
        Assert.Equal(first[0].ToJson(), JsonDocument.Parse(requests[0].Body).RootElement[0].GetRawText());
    }

    [Fact]
    public async Task Non_2xx_answer_fails_the_delivery_with_status_and_reason()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = async ctx => { ctx.Response.StatusCode = 503; await ctx.Response.WriteAsync("busy, come back later"); };
        await using var sink = _factory.Create(Context($"{receiver.BaseUrl}/n", _dir.Path));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Batch(Event("x")), CancellationToken.None).AsTask());
        Assert.Contains("503", e.Message);
        Assert.Contains("busy, come back later", e.Message);
    }

    [Fact]
    public async Task Slow_receiver_fails_the_delivery_after_the_timeout()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = ctx => Task.Delay(TimeSpan.FromSeconds(5), ctx.RequestAborted);
        await using var sink = _factory.Create(Context($"{receiver.BaseUrl}/n", _dir.Path, [Opt("timeout", "300ms")]));
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Batch(Event("x")), CancellationToken.None).AsTask());
        Assert.Contains("did not answer within", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Https_receiver_with_a_self_signed_certificate_is_trusted_through_ca_file_only()
    {
        await using var receiver = await HttpReceiver.StartAsync(TestCertificates.Localhost);
        var (ca, _) = TestCertificates.WritePem(_dir.Path);

        await using (var untrusted = _factory.Create(Context($"{receiver.BaseUrl}/n", _dir.Path)))
        {
            await Assert.ThrowsAsync<SinkDeliveryException>(() => untrusted.DeliverAsync(Batch(Event("x")), CancellationToken.None).AsTask());
        }
        var context = Context($"{receiver.BaseUrl}/n", _dir.Path, [Opt("ca_file", Path.GetFileName(ca))]);
        Assert.Empty(Validate(_factory, context).Errors);
        await using var trusted = _factory.Create(context);
        await trusted.DeliverAsync(Batch(Event("stream_started", "cam1")), CancellationToken.None);
        var received = Assert.Single(receiver.Requests);
        Assert.Contains("cam1", Encoding.UTF8.GetString(received.Body));
        Assert.Empty(received.Query); // ca_file is the sink's own option
    }

    [Fact]
    public async Task Delivery_fails_while_the_receiver_is_down_and_succeeds_once_it_is_up()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var sink = _factory.Create(Context($"http://127.0.0.1:{port}/n", _dir.Path, [Opt("timeout", "2")]));
        var batch = Batch(Event("source_closed", "cam1"));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(batch, CancellationToken.None).AsTask());
        Assert.Contains("failed", e.Message);

        await using var receiver = await HttpReceiver.StartAsync(port: port);
        await sink.DeliverAsync(batch, CancellationToken.None);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public void The_delivery_timeout_it_declares_is_its_own_timeout_plus_room_to_report_it()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), _factory.DeliveryTimeout(Context("http://localhost/n", _dir.Path, [Opt("timeout", "2s")])));
        Assert.Equal(TimeSpan.FromSeconds(15), _factory.DeliveryTimeout(Context("http://localhost/n", _dir.Path)));
    }

    [Fact]
    public void Validate_reports_an_unreadable_ca_file_and_a_bad_timeout_at_their_lines()
    {
        var caOption = Opt("ca_file", "missing.pem");
        var timeoutOption = Opt("timeout", "soon");
        var diagnostics = Validate(_factory, Context("https://localhost/n", _dir.Path, [caOption, timeoutOption]));
        Assert.Contains(diagnostics.Errors, d => d.Location.Line == caOption.Location.Line && d.Message.Contains("missing.pem"));
        Assert.Contains(diagnostics.Errors, d => d.Location.Line == timeoutOption.Arguments[0].Location.Line && d.Message.Contains("soon"));
    }
}
