using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// The events API under load against a real HTTP receiver that fails for a while and recovers:
/// with resend options every event arrives, in order, signed.
/// </summary>
public sealed class ResendEndToEndTests
{
    [Fact]
    public async Task Receiver_that_fails_and_recovers_gets_every_event_in_order()
    {
        var failing = 1; // 1: answer 503, 0: accept
        var received = new ConcurrentQueue<long>();
        var badSignatures = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/notify", async (HttpContext http) =>
        {
            using var ms = new MemoryStream();
            await http.Request.Body.CopyToAsync(ms);
            var body = ms.ToArray();
            var expected = Convert.ToHexStringLower(SHA1.HashData([.. body, .. "s3cret"u8.ToArray()]));
            if (http.Request.Headers["X-Signature"] != expected) Interlocked.Increment(ref badSignatures);
            if (Volatile.Read(ref failing) == 1) return Results.StatusCode(503);
            foreach (var e in JsonDocument.Parse(body).RootElement.EnumerateArray())
                received.Enqueue(e.GetProperty("seq").GetInt64());
            return Results.Ok();
        });
        await receiver.StartAsync();

        await using var host = await SluiceProcess.StartAsync($$"""
            notify backend {
              sink {{receiver.Urls.First()}}/notify;
              only event=load_probe;
              sign_key s3cret;
              resend_notifications_limit 2000;
              resend_notifications_timeout 1;
            }
            """);

        const int total = 1500;
        for (var i = 1; i <= total; i++)
        {
            if (i == total / 2) Volatile.Write(ref failing, 0); // the receiver comes back mid-run
            using var body = new StringContent($"{{\"event\":\"load_probe\",\"seq\":{i}}}", Encoding.UTF8, "application/json");
            using var r = await host.Http.PostAsync("/api/v1/events", body);
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < total && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received.ToArray());
        Assert.Equal(0, badSignatures);

        using var stats = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/notify"));
        var backend = stats.RootElement.GetProperty("handlers")[0];
        Assert.True(backend.GetProperty("failed_batches").GetInt64() > 0);
        Assert.Equal(0, backend.GetProperty("in_resend_buffer").GetInt64());
        Assert.Contains("503", backend.GetProperty("last_error").GetString());
        await receiver.StopAsync();
    }
}
