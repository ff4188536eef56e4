using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Http;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

/// <summary>Standard Webhooks signatures (checked by the reference verifier), Retry-After and 410 Gone.</summary>
public sealed class HttpSinkSigningTests : IDisposable
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new HttpSinkPlugin());
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Secret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    private static SinkContext Signed(string url, string[] keys, IEnumerable<ConfigDirective> options, TimeProvider? time = null)
    {
        var c = Context(url, "/tmp", options);
        return new SinkContext
        {
            BlockName = c.BlockName, Spec = c.Spec, Location = c.Location, Options = c.Options, SignKeys = keys,
            ConfigDirectory = c.ConfigDirectory, ServerName = c.ServerName, Logger = c.Logger, Time = time ?? TimeProvider.System,
        };
    }

    [Fact]
    public async Task Standard_webhooks_signatures_with_two_rotating_keys_are_accepted_by_the_reference_verifier()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        string oldKey = Secret(), newKey = Secret();
        var context = Signed($"{receiver.BaseUrl}/hook", [oldKey, newKey], [Opt("sign_scheme", "standard-webhooks")]);
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        var batches = new[]
        {
            Batch(Event("stream_started", "cam1", new EventField("ip", "10.0.0.1"))),
            Batch(Event("source_closed", "cam2", new EventField("reason", "ünïcödé \"quoted\"")), Event("stream_stopped", "cam2")),
            Batch(Enumerable.Range(0, 50).Select(i => Event("play_closed", $"cam{i}", new EventField("bytes", i * 1000L))).ToArray()),
        };
        foreach (var b in batches) await sink.DeliverAsync(b, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests, r => Assert.False(r.Headers.ContainsKey("X-Signature")));
        Assert.All(requests, r => Assert.Equal(2, r.Headers["webhook-signature"].Split(' ').Length));
        Assert.Equal($"msg_{batches[1][0].Id}_{batches[1][1].Id}", requests[1].Headers["webhook-id"]);
        // Each key alone verifies every request (a receiver mid-rotation knows one of them), a wrong key none.
        var verdicts = await StandardWebhooksVerifier.VerifyAsync(
            requests.SelectMany(r => new[] { (oldKey, r.Headers, r.Body), (newKey, r.Headers, r.Body), (Secret(), r.Headers, r.Body) }));
        Assert.Equal(9, verdicts.Count);
        for (var i = 0; i < 9; i++)
        {
            if (i % 3 == 2) Assert.StartsWith("rejected", verdicts[i]);
            else Assert.Equal("ok", verdicts[i]);
        }
        // A body changed on the way is rejected.
        var tampered = requests[0].Body.ToArray();
        tampered[^2] ^= 1;
        Assert.StartsWith("rejected", Assert.Single(await StandardWebhooksVerifier.VerifyAsync([(oldKey, requests[0].Headers, tampered)])));
    }

    [Fact]
    public async Task A_resent_batch_keeps_its_webhook_id_and_gets_a_fresh_timestamp()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = Secret();
        await using var sink = _factory.Create(Signed($"{receiver.BaseUrl}/hook", [key], [Opt("sign_scheme", "standard-webhooks")], clock));
        var batch = Batch(Event("stream_started", "cam1"));
        await sink.DeliverAsync(batch, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(90));
        await sink.DeliverAsync(batch, CancellationToken.None);
        var (first, second) = (receiver.Requests.ElementAt(0), receiver.Requests.ElementAt(1));
        Assert.Equal(first.Headers["webhook-id"], second.Headers["webhook-id"]);
        Assert.Equal(long.Parse(first.Headers["webhook-timestamp"]) + 90, long.Parse(second.Headers["webhook-timestamp"]));
    }

    [Fact]
    public void A_sign_key_that_is_not_a_whsec_secret_is_an_error_that_does_not_echo_it()
    {
        var diagnostics = Validate(_factory, Signed("http://127.0.0.1:9/hook", [Secret(), "plain-s3cret"],
            [Opt("sign_scheme", "standard-webhooks")]));
        var error = Assert.Single(diagnostics.Errors);
        Assert.Contains("sign_key #2 is not a Standard Webhooks secret", error.Message);
        Assert.DoesNotContain("plain-s3cret", error.Message);
        Assert.Contains("expects standard-webhooks or sha1",
            Assert.Single(Validate(_factory, Signed("http://127.0.0.1:9/hook", [Secret()], [Opt("sign_scheme", "hmac")])).Errors).Message);
        Assert.Contains("X-Signature is signed with the first only",
            Assert.Single(Validate(_factory, Signed("http://127.0.0.1:9/hook", ["a", "b"], [])).Warnings).Message);
    }

    [Fact]
    public async Task A_410_says_gone_and_a_503_carries_retry_after_in_seconds_or_as_a_date()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero));
        await using var sink = _factory.Create(Signed($"{receiver.BaseUrl}/hook", [], [], clock));
        var answers = new Queue<Action<Microsoft.AspNetCore.Http.HttpContext>>(
        [
            ctx => ctx.Response.StatusCode = 410,
            ctx => { ctx.Response.StatusCode = 503; ctx.Response.Headers.RetryAfter = "120"; },
            ctx => { ctx.Response.StatusCode = 429; ctx.Response.Headers.RetryAfter = "Sat, 21 Nov 2026 10:00:30 GMT"; },
            ctx => ctx.Response.StatusCode = 500,
        ]);
        receiver.Respond = ctx => { answers.Dequeue()(ctx); return Task.CompletedTask; };
        var failures = new List<SinkDeliveryException>();
        for (var i = 0; i < 4; i++)
            failures.Add(await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Batch(Event("x")), CancellationToken.None).AsTask()));
        Assert.True(failures[0].Gone);
        Assert.Contains("answered 410 Gone", failures[0].Message);
        Assert.Equal((false, TimeSpan.FromSeconds(120)), (failures[1].Gone, failures[1].RetryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), failures[2].RetryAfter);
        Assert.Equal((false, (TimeSpan?)null), (failures[3].Gone, failures[3].RetryAfter));
    }
}
