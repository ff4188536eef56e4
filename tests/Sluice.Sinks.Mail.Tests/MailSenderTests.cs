using Sluice.Sinks.Common;
using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Mail.Tests;

/// <summary>MailKit against a real SMTP server (aiosmtpd) on loopback: what arrives, over which security, and how failures read.</summary>
public sealed class MailSenderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static OutgoingMail Mail(string subject = "Source lost", string text = "cam1 is down\n") =>
        new("Sluice <sluice@streamer1.my.cdn>", ["admin@my.cdn", "ops@my.cdn"], subject, text);

    private static SmtpEndpoint Endpoint(string spec) => SmtpEndpoint.Parse(spec, out var error) ?? throw new ArgumentException(error);

    private CaFileTrust Trust()
    {
        var (cert, _) = TestCertificates.WritePem(_dir.Path);
        return CaFileTrust.Load(cert, out var error) ?? throw new InvalidOperationException(error);
    }

    [Fact]
    public async Task A_text_mail_arrives_whole_with_its_envelope_headers_and_body()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var text = "Ünïcode body\n.a line that starts with a dot\n" + new string('x', 2000) + "\nlast line\n";
        await MailSender.SendAsync(Endpoint($"smtp://127.0.0.1:{smtp.Port}"), Mail("Поток потерян: cam1", text), "streamer1.my.cdn", null, CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("sluice@streamer1.my.cdn", mail.EnvelopeFrom);
        Assert.Equal(["admin@my.cdn", "ops@my.cdn"], mail.EnvelopeTo);
        Assert.Equal("Sluice <sluice@streamer1.my.cdn>", mail.Headers["From"]);
        Assert.Equal("admin@my.cdn, ops@my.cdn", mail.Headers["To"]);
        Assert.Equal("Поток потерян: cam1", mail.Headers["Subject"]);
        Assert.Equal(text, mail.Body);
        Assert.Null(mail.Html);
        Assert.EndsWith("@streamer1.my.cdn>", mail.Headers["Message-Id"]);
        Assert.True(DateTimeOffset.TryParse(mail.Headers["Date"], out _) || mail.Headers["Date"].Length > 0);
        Assert.All(mail.Raw.Split("\r\n"), line => Assert.True(line.Length <= 998, "no line over SMTP's 998 characters"));
        Assert.False(mail.Tls);
    }

    [Fact]
    public async Task A_line_break_in_the_subject_cannot_add_a_header_or_a_recipient()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await MailSender.SendAsync(Endpoint($"smtp://127.0.0.1:{smtp.Port}"), Mail("hi\r\nBcc: evil@attacker.example\r\n"), "streamer1", null, CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal(["admin@my.cdn", "ops@my.cdn"], mail.EnvelopeTo);
        Assert.False(mail.Headers.ContainsKey("Bcc"));
        Assert.Equal("hi Bcc: evil@attacker.example", mail.Headers["Subject"].Trim());
    }

    [Fact]
    public async Task Html_and_text_travel_as_alternatives_with_attachments_and_inline_parts()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var mail = Mail() with
        {
            Html = "<p>cam1 is <b>down</b></p><img src=\"cid:graph.png\">",
            Attachments = [new MailAttachment("events.json", "application/json", "[{\"event\":\"source_lost\"}]"u8.ToArray()),
                           new MailAttachment("graph.png", "image/png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0, 255 })],
        };
        await MailSender.SendAsync(Endpoint($"smtp://127.0.0.1:{smtp.Port}"), mail, "streamer1", null, CancellationToken.None);

        var received = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("cam1 is down\n", received.Body);
        Assert.Equal("<p>cam1 is <b>down</b></p><img src=\"cid:graph.png\">", received.Html);
        var json = Assert.Single(received.Parts, p => p.Name == "events.json");
        Assert.Equal(("application/json", false), (json.ContentType, json.Inline));
        Assert.Equal("[{\"event\":\"source_lost\"}]", System.Text.Encoding.UTF8.GetString(json.Content));
        var png = Assert.Single(received.Parts, p => p.Name == "graph.png");
        Assert.True(png.Inline);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0, 255 }, png.Content);
    }

    [Fact]
    public async Task Starttls_is_used_when_the_server_offers_it()
    {
        var (cert, key) = TestCertificates.WritePem(_dir.Path);
        await using var smtp = await SmtpServer.StartAsync(SmtpServer.Security.StartTls, cert, key);
        await MailSender.SendAsync(Endpoint($"smtp://127.0.0.1:{smtp.Port}"), Mail(), "streamer1", Trust(), CancellationToken.None);
        Assert.True(Assert.Single(await smtp.WaitForMessagesAsync(1)).Tls);
    }

    [Fact]
    public async Task Smtps_speaks_tls_from_the_first_byte_and_an_untrusted_certificate_sends_nothing()
    {
        var (cert, key) = TestCertificates.WritePem(_dir.Path);
        await using var smtps = await SmtpServer.StartAsync(SmtpServer.Security.ImplicitTls, cert, key);
        var endpoint = Endpoint($"smtps://127.0.0.1:{smtps.Port}");
        await MailSender.SendAsync(endpoint, Mail(), "streamer1", Trust(), CancellationToken.None);
        Assert.True(Assert.Single(await smtps.WaitForMessagesAsync(1)).Tls);

        var e = await Assert.ThrowsAsync<SmtpFailureException>(() => MailSender.SendAsync(endpoint, Mail(), "streamer1", null, CancellationToken.None));
        Assert.StartsWith($"TLS with smtps://127.0.0.1:{smtps.Port} failed: the server's certificate is not trusted", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(1, smtps.MessageCount);
    }

    [Fact]
    public async Task Credentials_log_in_and_a_refused_login_says_so_without_the_password()
    {
        await using var smtp = await SmtpServer.StartAsync(SmtpServer.Security.PlainWithAuth);
        var user = $"smtp://{SmtpServer.User}:{Uri.EscapeDataString(SmtpServer.Password)}@127.0.0.1:{smtp.Port}";
        await MailSender.SendAsync(Endpoint(user), Mail(), "streamer1", null, CancellationToken.None);
        Assert.Equal(SmtpServer.User, Assert.Single(await smtp.WaitForMessagesAsync(1)).User);

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var e = await Assert.ThrowsAsync<SmtpFailureException>(() =>
            MailSender.SendAsync(Endpoint($"smtp://{SmtpServer.User}:wr0ngpass@127.0.0.1:{smtp.Port}"), Mail(), "streamer1", null, bounded.Token));
        Assert.StartsWith($"smtp://127.0.0.1:{smtp.Port} refused the login of 'alerts'", e.Message);
        Assert.DoesNotContain("wr0ngpass", e.Message);
        Assert.Equal(1, smtp.MessageCount);
    }

    [Fact]
    public async Task Credentials_for_a_server_without_auth_fail_instead_of_sending_anonymously()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var e = await Assert.ThrowsAsync<SmtpFailureException>(() =>
            MailSender.SendAsync(Endpoint($"smtp://u:p@127.0.0.1:{smtp.Port}"), Mail(), "streamer1", null, CancellationToken.None));
        Assert.Contains("offers no login", e.Message);
        Assert.Equal(0, smtp.MessageCount);
    }

    [Fact]
    public async Task An_unreachable_server_fails_with_its_address()
    {
        var e = await Assert.ThrowsAsync<SmtpFailureException>(() =>
            MailSender.SendAsync(Endpoint("smtp://127.0.0.1:1"), Mail(), "streamer1", null, CancellationToken.None));
        Assert.StartsWith("cannot connect to smtp://127.0.0.1:1", e.Message);
    }
}
