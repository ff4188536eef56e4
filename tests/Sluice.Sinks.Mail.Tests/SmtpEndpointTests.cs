using Sluice.Sinks.Mail;

namespace Sluice.Sinks.Mail.Tests;

public sealed class SmtpEndpointTests
{
    [Theory]
    [InlineData("smtp://mail.my.cdn", "mail.my.cdn", 25, false, null, null)]
    [InlineData("smtp://mail.my.cdn:587", "mail.my.cdn", 587, false, null, null)]
    [InlineData("smtps://mail.my.cdn", "mail.my.cdn", 465, true, null, null)]
    [InlineData("SMTPS://u:p%40ss%3Aw@10.0.0.5:2465/", "10.0.0.5", 2465, true, "u", "p@ss:w")]
    [InlineData("smtp://", "127.0.0.1", 25, false, null, null)]
    [InlineData("smtp://[::1]:26", "::1", 26, false, null, null)]
    [InlineData("smtp://alerts@mail", "mail", 25, false, "alerts", "")]
    public void Parses_host_port_security_and_credentials(string spec, string host, int port, bool tls, string? user, string? password)
    {
        var e = SmtpEndpoint.Parse(spec, out var error);
        Assert.Null(error);
        Assert.Equal(new SmtpEndpoint(host, port, tls, user, password), e);
    }

    [Theory]
    [InlineData("http://mail", "not an smtp:// or smtps:// address")]
    [InlineData("smtp://mail:99999", "bad port")]
    [InlineData("smtp://mail:x", "bad port")]
    [InlineData("smtp://bad host", "bad host")]
    public void Rejects_what_is_not_an_smtp_address(string spec, string reason)
    {
        Assert.Null(SmtpEndpoint.Parse(spec, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Its_text_form_has_no_credentials()
    {
        var e = SmtpEndpoint.Parse("smtps://alerts:s3cret@mail.my.cdn", out _)!;
        Assert.Equal("smtps://mail.my.cdn:465", e.ToString());
    }
}
