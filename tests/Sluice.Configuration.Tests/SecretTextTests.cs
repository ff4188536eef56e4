using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

public sealed class SecretTextTests
{
    [Theory]
    [InlineData("smtp://mailuser:mailpass@mail.local:587", "smtp://mailuser:***@mail.local:587")]
    [InlineData("bad port in 'smtp://user:pass@host:99999'", "bad port in 'smtp://user:***@host:99999'")]
    [InlineData("https://ghp_TOKEN@github.com/x", "https://***@github.com/x")]
    [InlineData("rtsp://admin:p@ss@cam/live", "rtsp://admin:***@cam/live")]
    [InlineData("http://backend/hook?token=abc&x=1&api_key=k", "http://backend/hook?token=***&x=1&api_key=***")]
    [InlineData("GET /api/v1/server?password=x&sig=y 200", "GET /api/v1/server?password=***&sig=*** 200")]
    [InlineData("option password=hunter2 and keyframe=3", "option password=*** and keyframe=3")]
    [InlineData("smtp://127.0.0.1:25 to admin@my.cdn", "smtp://127.0.0.1:25 to admin@my.cdn")]
    [InlineData("udp://239.0.0.1:1234 and log://a.log", "udp://239.0.0.1:1234 and log://a.log")]
    [InlineData("http://[::1]:8080/x?media=cam", "http://[::1]:8080/x?media=cam")]
    [InlineData("'only' expects key=value pairs (write key=value)", "'only' expects key=value pairs (write key=value)")]
    [InlineData("http://h/x?token=TOKEN", "http://h/x?token=TOKEN")]
    public void Redact_masks_userinfo_passwords_and_secret_looking_values_only(string text, string expected) =>
        Assert.Equal(expected, SecretText.Redact(text));

    [Theory]
    [InlineData("token", true)]
    [InlineData("access_token", true)]
    [InlineData("X-Auth-Token", true)]
    [InlineData("apikey", true)]
    [InlineData("sign_key", true)]
    [InlineData("password", true)]
    [InlineData("smtp_pass", true)]
    [InlineData("media", false)]
    [InlineData("keyframe", false)]
    [InlineData("author", false)]
    public void Secret_names(string name, bool secret) => Assert.Equal(secret, SecretText.IsSecretName(name));

    [Fact]
    public void The_scrubber_masks_every_secret_value_of_a_configuration_wherever_it_appears()
    {
        var tree = TestConfig.ParseClean("""
            view_auth viewer v1ewpass;
            edit_auth admin ed1tpass;
            notify h { sink http://u:p4ssword@h/x?token=t0ken; sign_key s1gnkey; smtp_password sm7ppass; }
            stream cam { input rtsp://cam/live secret=camsecret; }
            """);
        var scrubber = SecretScrubber.From(tree);
        var text = "script printed v1ewpass ed1tpass p4ssword t0ken s1gnkey sm7ppass camsecret; viewer admin stay";
        Assert.Equal("script printed *** *** *** *** *** *** ***; viewer admin stay", scrubber.Scrub(text));
    }
}
