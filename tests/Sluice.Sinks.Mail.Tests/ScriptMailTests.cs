using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Mail.Tests;

/// <summary>The scripts' mail.send request (the JSON both engines hand over) and its delivery.</summary>
public sealed class ScriptMailTests
{
    private static readonly ScriptMail Local = new(SmtpEndpoint.Local, null, "streamer1.my.cdn");

    [Fact]
    public void A_request_names_sender_recipients_subject_bodies_and_attachments()
    {
        var mail = Local.Parse("""
            {"from":"flussonic@streamer1.my.cdn","to":["admin@my.cdn","ops@my.cdn, noc@my.cdn"],"subject":"Source lost","body":"cam1\n",
             "html":"<p>cam1</p>","attachments":[{"name":"events.json","content":"[1,2]"},{"name":"notes","content":"x","type":"text/plain"}]}
            """);
        Assert.Equal("flussonic@streamer1.my.cdn", mail.From);
        Assert.Equal(["admin@my.cdn", "ops@my.cdn", "noc@my.cdn"], mail.To);
        Assert.Equal(("Source lost", "cam1\n", "<p>cam1</p>"), (mail.Subject, mail.Text, mail.Html));
        Assert.Equal([("events.json", "application/json", "[1,2]"), ("notes", "text/plain", "x")],
            mail.Attachments.Select(a => (a.Name, a.ContentType, System.Text.Encoding.UTF8.GetString(a.Content.Span))));
    }

    [Fact]
    public void An_empty_sender_is_sluice_at_the_server_and_values_that_are_not_text_become_text()
    {
        var mail = Local.Parse("""{"to":"admin@my.cdn","subject":42,"body":["a","b"],"attachments":{}}""");
        Assert.Equal("sluice@streamer1.my.cdn", mail.From);
        Assert.Equal(("42", "a, b"), (mail.Subject, mail.Text));
        Assert.Null(mail.Html);
        Assert.Empty(mail.Attachments);
    }

    [Theory]
    [InlineData("""{"to":"nope"}""", "mail.send: 'to': 'nope' is not an email address")]
    [InlineData("""{"subject":"x"}""", "mail.send: 'to': no recipient")]
    [InlineData("""{"from":"bad","to":"a@b.c"}""", "mail.send: 'from' bad is not an email address")]
    [InlineData("""{"to":"a@b.c","attachments":[{"name":"../../etc/x","content":""}]}""", "mail.send: attachment name '../../etc/x' must be a plain file name")]
    [InlineData("""{"to":"a@b.c","attachments":"x"}""", "mail.send: 'attachments' must be a list of {name, content, type}")]
    [InlineData("[1]", "mail.send: expects {from, to, subject, body}")]
    public void A_malformed_request_is_refused_with_what_is_wrong(string json, string message)
    {
        var e = Assert.Throws<SmtpFailureException>(() => Local.Parse(json));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task A_request_is_sent_through_the_blocks_server()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var mail = new ScriptMail(SmtpEndpoint.Parse($"smtp://127.0.0.1:{smtp.Port}", out _)!, null, "streamer1.my.cdn");
        await mail.SendAsync("""{"to":"admin@my.cdn","subject":"Source lost","body":"Source lost on following streams: \n  cam1\n"}""", CancellationToken.None);
        var received = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("sluice@streamer1.my.cdn", received.EnvelopeFrom);
        Assert.Equal("Source lost on following streams: \n  cam1\n", received.Body);
    }

    [Fact]
    public async Task A_failure_to_send_is_a_mail_send_error()
    {
        var mail = new ScriptMail(SmtpEndpoint.Parse("smtp://127.0.0.1:1", out _)!, null, "streamer1.my.cdn");
        var e = await Assert.ThrowsAsync<SmtpFailureException>(() => mail.SendAsync("""{"to":"a@b.c"}""", CancellationToken.None));
        Assert.StartsWith("mail.send: cannot connect to smtp://127.0.0.1:1", e.Message);
    }
}
