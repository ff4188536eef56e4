using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Email;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

public sealed class EmailSinkTests : IDisposable
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new EmailSinkPlugin());
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<SluiceEvent> TwoEvents() => Batch(
        new SluiceEvent("source_closed", "id-1", 1_795_255_200_123, "streamer1", EventLevel.Warning, "cam1", null, [new("reason", "timed out")]),
        new SluiceEvent("stream_stopped", "id-2", 1_795_255_201_000, "streamer1", EventLevel.Info, "news"));

    [Fact]
    public async Task Mails_a_batch_with_the_default_template_to_a_real_smtp_server()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var context = Context($"smtp://127.0.0.1:{smtp.Port}", _dir.Path,
            [Opt("from", "Sluice <sluice@streamer1.my.cdn>"), Opt("to", "admin@my.cdn,ops@my.cdn")]);
        Assert.True(_factory.Claims(context.Spec));
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        await sink.DeliverAsync(TwoEvents(), CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("sluice@streamer1.my.cdn", mail.EnvelopeFrom);
        Assert.Equal(["admin@my.cdn", "ops@my.cdn"], mail.EnvelopeTo);
        Assert.Equal("Sluice <sluice@streamer1.my.cdn>", mail.Headers["From"]);
        Assert.Equal("admin@my.cdn, ops@my.cdn", mail.Headers["To"]);
        Assert.Equal("[streamer1.test] 2 event(s) from notify test_block", mail.Headers["Subject"]);
        Assert.False(mail.Tls);
        Assert.Equal("""
            2 event(s) from streamer1.test (notify test_block):

            2026-11-21T10:00:00.123Z warning source_closed media=cam1 server=streamer1 reason="timed out" id=id-1
            2026-11-21T10:00:01.000Z info stream_stopped media=news server=streamer1 id=id-2

            """.ReplaceLineEndings("\n"), mail.Body);
    }

    [Fact]
    public async Task A_custom_template_file_and_subject_render_the_event_fields()
    {
        await using var smtp = await SmtpServer.StartAsync();
        File.WriteAllText(_dir.File("mail.hbs"), "Lost sources on {{server}}:\n{{#each events}}- {{media}} ({{reason}}) at {{time}}\n{{/each}}Ünïcode ok\n");
        var context = Context($"smtp://127.0.0.1:{smtp.Port}", _dir.Path,
            [Opt("to", "admin@my.cdn"), Opt("subject", "{{count}} streams down on {{server}}"), Opt("template", "mail.hbs")]);
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        await sink.DeliverAsync(TwoEvents(), CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("2 streams down on streamer1.test", mail.Headers["Subject"]);
        Assert.Equal("sluice@streamer1.test", mail.EnvelopeFrom);
        Assert.Equal("Lost sources on streamer1.test:\n- cam1 (timed out) at 2026-11-21T10:00:00.123Z\n- news () at 2026-11-21T10:00:01.000Z\nÜnïcode ok\n", mail.Body);
    }

    [Fact]
    public async Task An_inline_template_is_used_as_is()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var sink = _factory.Create(Context($"smtp://127.0.0.1:{smtp.Port}", _dir.Path,
            [Opt("to", "admin@my.cdn"), Opt("template", "{{#each events}}{{event}}/{{media}};{{/each}}")]));
        await sink.DeliverAsync(TwoEvents(), CancellationToken.None);
        Assert.Equal("source_closed/cam1;stream_stopped/news;\n", Assert.Single(await smtp.WaitForMessagesAsync(1)).Body);
    }

    [Fact]
    public async Task An_html_template_becomes_the_alternative_of_the_text_with_fields_escaped_and_attached_files()
    {
        await using var smtp = await SmtpServer.StartAsync();
        File.WriteAllText(_dir.File("mail.html.hbs"), "<h1>{{count}} events</h1><ul>{{#each events}}<li>{{media}}: {{reason}}</li>{{/each}}</ul><img src=\"cid:logo.png\">");
        byte[] logo = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 1, 2, 255];
        File.WriteAllBytes(_dir.File("logo.png"), logo);
        File.WriteAllText(_dir.File("runbook.txt"), "call the on-duty engineer\n");
        var context = Context($"smtp://127.0.0.1:{smtp.Port}", _dir.Path,
            [Opt("to", "admin@my.cdn"), Opt("html_template", "mail.html.hbs"), Opt("attach", "logo.png", "runbook.txt")]);
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        await sink.DeliverAsync(Batch(
            new SluiceEvent("source_closed", "id-1", 1_795_255_200_123, "streamer1", EventLevel.Warning, "cam1", null, [new("reason", "<script>x</script>")])),
            CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Contains("source_closed media=cam1", mail.Body);                     // the default text template stays
        Assert.Equal("<h1>1 events</h1><ul><li>cam1: &lt;script&gt;x&lt;/script&gt;</li></ul><img src=\"cid:logo.png\">", mail.Html);
        var image = Assert.Single(mail.Parts, p => p.Name == "logo.png");
        Assert.True(image.Inline, "an attachment the HTML names by cid: is inline");
        Assert.Equal("image/png", image.ContentType);
        Assert.Equal(logo, image.Content);
        var runbook = Assert.Single(mail.Parts, p => p.Name == "runbook.txt");
        Assert.False(runbook.Inline);
        // A text part travels with CRLF line ends (MIME canonical form).
        Assert.Equal("call the on-duty engineer\n", System.Text.Encoding.UTF8.GetString(runbook.Content).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Validate_reports_a_missing_attachment_and_a_bad_html_template_at_their_lines()
    {
        var attach = Opt("attach", "missing.pdf");
        var html = Opt("html_template", "{{#each events}}<p>");
        var diagnostics = Validate(_factory, Context("smtp://127.0.0.1:25", _dir.Path, [Opt("to", "a@b.c"), attach, html]));
        Assert.Contains(diagnostics.Errors, d => d.Location.Line == attach.Location.Line && d.Message.Contains("missing.pdf"));
        Assert.Contains(diagnostics.Errors, d => d.Location == html.Location && d.Message.Contains("html_template"));
    }

    [Fact]
    public async Task Starttls_is_used_when_offered_and_smtps_speaks_tls_from_the_start()
    {
        var (cert, key) = TestCertificates.WritePem(_dir.Path);
        await using (var starttls = await SmtpServer.StartAsync(SmtpServer.Security.StartTls, cert, key))
        {
            await using var sink = _factory.Create(Context($"smtp://127.0.0.1:{starttls.Port}", _dir.Path,
                [Opt("to", "admin@my.cdn"), Opt("ca_file", "ca.pem")]));
            await sink.DeliverAsync(TwoEvents(), CancellationToken.None);
            Assert.True(Assert.Single(await starttls.WaitForMessagesAsync(1)).Tls);
        }
        await using var smtps = await SmtpServer.StartAsync(SmtpServer.Security.ImplicitTls, cert, key);
        await using (var sink = _factory.Create(Context($"smtps://127.0.0.1:{smtps.Port}", _dir.Path,
            [Opt("to", "admin@my.cdn"), Opt("ca_file", "ca.pem")])))
        {
            await sink.DeliverAsync(TwoEvents(), CancellationToken.None);
        }
        Assert.Single(await smtps.WaitForMessagesAsync(1));

        // Without the CA the server's certificate is not trusted: the mail is not sent in clear instead.
        await using var untrusted = _factory.Create(Context($"smtps://127.0.0.1:{smtps.Port}", _dir.Path, [Opt("to", "admin@my.cdn")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => untrusted.DeliverAsync(TwoEvents(), CancellationToken.None).AsTask());
        Assert.Contains("TLS", e.Message);
    }

    [Fact]
    public async Task Credentials_in_the_url_log_in_and_wrong_ones_fail_the_delivery()
    {
        await using var smtp = await SmtpServer.StartAsync(SmtpServer.Security.PlainWithAuth);
        var password = Uri.EscapeDataString(SmtpServer.Password);
        await using (var sink = _factory.Create(Context($"smtp://{SmtpServer.User}:{password}@127.0.0.1:{smtp.Port}", _dir.Path, [Opt("to", "admin@my.cdn")])))
            await sink.DeliverAsync(TwoEvents(), CancellationToken.None);
        Assert.Equal(SmtpServer.User, Assert.Single(await smtp.WaitForMessagesAsync(1)).User);

        await using var wrong = _factory.Create(Context($"smtp://{SmtpServer.User}:nope@127.0.0.1:{smtp.Port}", _dir.Path,
            [Opt("to", "admin@my.cdn"), Opt("timeout", "2s")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => wrong.DeliverAsync(TwoEvents(), CancellationToken.None).AsTask());
        Assert.Contains("refused the login", e.Message);
        Assert.DoesNotContain("nope", e.Message);
        Assert.Equal(1, smtp.MessageCount);
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_delivery()
    {
        await using var sink = _factory.Create(Context("smtp://127.0.0.1:1", _dir.Path, [Opt("to", "admin@my.cdn")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(TwoEvents(), CancellationToken.None).AsTask());
        Assert.Contains("127.0.0.1:1", e.Message);
    }

    [Fact]
    public void Validate_reports_missing_to_bad_addresses_bad_templates_at_their_lines()
    {
        var noTo = Validate(_factory, Context("smtp://127.0.0.1:25", _dir.Path));
        Assert.Contains(noTo.Errors, d => d.Message.Contains("'to"));

        var from = Opt("from", "not an address");
        var to = Opt("to", "admin@my.cdn,nope");
        var subject = Opt("subject", "{{#each events}}");
        var template = Opt("template", "missing.hbs");
        var diagnostics = Validate(_factory, Context("smtp://127.0.0.1:99999", _dir.Path, [from, to, subject, template]));
        Assert.Contains(diagnostics.Errors, d => d.Message.Contains("port"));
        Assert.Contains(diagnostics.Errors, d => d.Location == from.Location);
        Assert.Contains(diagnostics.Errors, d => d.Location == to.Location && d.Message.Contains("nope"));
        Assert.Contains(diagnostics.Errors, d => d.Location == subject.Location);
        Assert.Contains(diagnostics.Errors, d => d.Location == template.Location && d.Message.Contains("missing.hbs"));
    }
}
