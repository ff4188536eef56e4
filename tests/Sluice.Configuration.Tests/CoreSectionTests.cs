using System.Net;
using Serilog.Events;
using Sluice.Host.Configuration;

namespace Sluice.Configuration.Tests;

public class CoreSectionTests
{
    [Fact]
    public void Bind_Should_GiveDefaults_WhenNothingIsWritten()
    {
        var core = TestConfig.CoreOptionsOf("");
        Assert.Empty(core.Http);
        Assert.Equal(LogEventLevel.Information, core.LogLevel);
        Assert.False(core.LogRequests);
        Assert.Equal(Environment.MachineName, core.Hostname);
        Assert.Null(core.PluginsDirectory);
        Assert.Null(core.LogFile);
        Assert.Null(core.ViewAuth);
        Assert.Null(core.EditAuth);
        Assert.Empty(core.ApiAllowedFrom);
        Assert.Null(core.MaxSessions);
    }

    [Fact]
    public void Bind_Should_ReadEveryCoreDirective()
    {
        var core = TestConfig.CoreOptionsOf("""
            http 80;
            http 127.0.0.1:8080;
            http [::1]:8081;
            loglevel warning;
            logrequests true;
            hostname streamer1.my.cdn;
            plugins_dir ext/plugins;
            logfile /var/log/sluice.log;
            view_auth viewer "s3cret word";
            edit_auth admin pass;
            api_allowed_from 10/8 192.168/16;
            api_allowed_from 127.0.0.1 ::1 fd00::/8 172.16.0.0/12;
            max_sessions 1000;
            """);
        Assert.Equal([new IPEndPoint(IPAddress.Any, 80), new IPEndPoint(IPAddress.Loopback, 8080), new IPEndPoint(IPAddress.IPv6Loopback, 8081)], core.Http);
        Assert.Equal(LogEventLevel.Warning, core.LogLevel);
        Assert.True(core.LogRequests);
        Assert.Equal("streamer1.my.cdn", core.Hostname);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "ext", "plugins"), core.PluginsDirectory);
        Assert.Equal("/var/log/sluice.log", core.LogFile);
        Assert.Equal(new ApiCredentials("viewer", "s3cret word"), core.ViewAuth);
        Assert.Equal(new ApiCredentials("admin", "pass"), core.EditAuth);
        Assert.Equal(
            ["10.0.0.0/8", "192.168.0.0/16", "127.0.0.1/32", "::1/128", "fd00::/8", "172.16.0.0/12"],
            core.ApiAllowedFrom.Select(n => n.ToString()));
        Assert.Equal(1000, core.MaxSessions);
    }

    [Theory]
    [InlineData("debug", LogEventLevel.Debug)]
    [InlineData("info", LogEventLevel.Information)]
    [InlineData("notice", LogEventLevel.Information)]
    [InlineData("warning", LogEventLevel.Warning)]
    [InlineData("error", LogEventLevel.Error)]
    public void Bind_Should_MapLogLevels(string written, LogEventLevel expected) =>
        Assert.Equal(expected, TestConfig.CoreOptionsOf($"loglevel {written};").LogLevel);

    [Fact]
    public void Options_Should_HaveValueEquality_AndHidePasswords()
    {
        const string text = "http 80; api_allowed_from 10/8; view_auth a b;";
        var a = TestConfig.CoreOptionsOf(text);
        var b = TestConfig.CoreOptionsOf(text);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TestConfig.CoreOptionsOf("http 81; api_allowed_from 10/8; view_auth a b;"));
        Assert.NotEqual(a, TestConfig.CoreOptionsOf("http 80; api_allowed_from 10/8; view_auth a c;"));
        Assert.DoesNotContain("b }", a.ToString().Replace("ViewAuth = a:***", ""));
        Assert.Contains("a:***", a.ToString());
    }

    [Theory]
    [InlineData("http 0;")]
    [InlineData("http abc;")]
    [InlineData("http ::1:80;")]
    [InlineData("http [::1:80;")]
    [InlineData("http 1.2.3:80;")]
    [InlineData("http port=80;")]
    [InlineData("logrequests maybe;")]
    [InlineData("max_sessions -5;")]
    [InlineData("max_sessions lots;")]
    [InlineData("api_allowed_from 10;")]
    [InlineData("api_allowed_from 10/33;")]
    [InlineData("api_allowed_from fe80::1%eth0;")]
    [InlineData("api_allowed_from ::1/129;")]
    [InlineData("view_auth a:b c;")]
    [InlineData("edit_auth admin \"\";")]
    public void Bind_Should_RejectBadValues_WithOneErrorAtTheValue(string text)
    {
        var result = TestConfig.LoadCore(text);
        Assert.False(result.Succeeded);
        var e = Assert.Single(result.Errors);
        Assert.True(e.Location.Column > 1, e.ToString());
    }
}
