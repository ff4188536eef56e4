using Sluice.Abstractions.Events;
using Sluice.Notify.Tests.Support;

namespace Sluice.Notify.Tests;

public class NotifyConfigSectionTests
{
    private readonly CollectingSinkFactory _collect = new();
    private readonly TestContributions _contributions;

    public NotifyConfigSectionTests() => _contributions = new TestContributions(_collect, new CollectingSinkFactory("mem"));

    [Fact]
    public void Notify_block_binds_every_option_and_keeps_unknown_ones_for_the_sink_in_file_order()
    {
        var options = Conf.Valid("""
            notify no_video {
                only event=stream_stopped,source_lost;
                sink collect://no_video;
                from flussonic@streamer1.my.cdn;
                to admin@my.cdn;
                via smtp://127.0.0.1:587;
                except media=test;
                verbose notice;
                buffer false;
                sign_key s3cret;
                resend_notifications_limit 1000;
                resend_notifications_timeout 10;
            }
            """, _contributions);
        var b = options.Blocks.Single();
        Assert.Equal("no_video", b.Name);
        Assert.Equal("collect://no_video", b.Sink);
        Assert.Equal(3, b.SinkLocation.Line);
        Assert.Equal(["from", "to", "via"], b.SinkOptions.Select(o => o.Name));
        Assert.Equal("smtp://127.0.0.1:587", b.SinkOptions[2].Arguments[0].Value);
        Assert.Equal(["stream_stopped", "source_lost"], b.Only.Single().Arguments[0].Values);
        Assert.Single(b.Except);
        Assert.Equal(EventLevel.Notice, b.Verbose);
        Assert.False(b.Buffer);
        Assert.Equal(["s3cret"], b.SignKeys);
        Assert.Equal(1000, b.ResendLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), b.ResendTimeout);
        Assert.StartsWith("notify no_video { only event=stream_stopped,source_lost; sink collect://no_video;", b.Text);
        Assert.Equal(["collect://no_video"], _collect.Validated);
    }

    [Fact]
    public void Event_sink_spelling_takes_url_and_level()
    {
        var b = Conf.Valid("event_sink watcher { url mem://w; level warning; only group=system_overloaded; }", _contributions).Blocks.Single();
        Assert.Equal("mem://w", b.Sink);
        Assert.Equal(EventLevel.Warning, b.Verbose);
        Assert.Single(b.Only);
        Assert.Empty(b.SinkOptions);
    }

    [Fact]
    public void A_block_without_sink_is_an_error_naming_the_block()
    {
        var (_, diag) = Conf.Bind("notify lonely { verbose debug; }", _contributions);
        Assert.Contains(diag.Errors, e => e.Contains("test.conf:1:1") && e.Contains("notify 'lonely' needs a sink"));
    }

    [Fact]
    public void An_unclaimed_sink_spec_is_an_error_listing_the_sink_types()
    {
        var (options, diag) = Conf.Bind("notify h {\n  sink ftp://x/y;\n}", _contributions);
        var error = Assert.Single(diag.Errors);
        Assert.Equal("test.conf:2:8: no sink type handles 'ftp://x/y'; sink types: collect (collect://NAME); mem (mem://NAME)", error);
        Assert.Empty(options.Blocks);
    }

    [Fact]
    public void Resend_limit_above_2000_says_it_cannot_exceed_2000()
    {
        var (_, diag) = Conf.Bind("notify h { sink collect://h; resend_notifications_limit 2001; }", _contributions);
        Assert.Contains(diag.Errors, e => e.Contains("cannot exceed 2000"));
        Assert.Empty(Conf.Bind("notify h { sink collect://h; resend_notifications_limit 2000; }", _contributions).Diagnostics.Errors);
        Assert.Contains(Conf.Bind("notify h { sink collect://h; resend_notifications_limit 0; }", _contributions).Diagnostics.Errors, e => e.Contains("at least 1"));
        Assert.Contains(Conf.Bind("notify h { sink collect://h; resend_notifications_timeout soon; }", _contributions).Diagnostics.Errors, e => e.Contains("resend_notifications_timeout"));
    }

    [Fact]
    public void Duplicate_block_names_are_errors_across_both_spellings()
    {
        var (options, diag) = Conf.Bind("notify h { sink collect://a; }\nevent_sink h { url collect://b; }", _contributions);
        Assert.Contains(diag.Errors, e => e.StartsWith("test.conf:2:1") && e.Contains("'h' is already defined at test.conf:1:1"));
        Assert.Single(options.Blocks);
    }

    [Theory]
    [InlineData("only stream_started;", "'only' expects key=value pairs, got 'stream_started'")]
    [InlineData("except;", "'except' expects key=value pairs")]
    [InlineData("verbose loud;", "'verbose' expects one of debug, info, notice, warning, error, critical, alert, got 'loud'")]
    [InlineData("verbose warn;", "got 'warn'")]
    [InlineData("level;", "'level' expects one of debug, info, notice, warning, error, critical, alert, got nothing")]
    [InlineData("resend_notifications_limit many;", "'resend_notifications_limit' expects a number of events (1..2000), got 'many'")]
    [InlineData("resend_notifications_timeout 0;", "'resend_notifications_timeout' must be more than 0 seconds, got '0'")]
    [InlineData("sink collect://x collect://y;", "'sink' expects one sink spec, got 2 arguments")]
    [InlineData("buffer maybe;", "'buffer' expects true or false")]
    public void Bad_options_are_located_errors(string line, string message)
    {
        var (_, diag) = Conf.Bind($"notify h {{ sink collect://h; {line} }}", _contributions);
        Assert.Contains(diag.Errors, e => e.Contains(message));
    }

    [Fact]
    public void The_sink_type_validates_its_options()
    {
        var (_, diag) = Conf.Bind("notify h { sink collect://h; reject \"no mailbox\"; }", _contributions);
        Assert.Contains(diag.Errors, e => e.Contains("collect sink rejects: no mailbox"));
    }

    [Fact]
    public void A_sink_timeout_option_is_the_sinks_own_and_passed_on_untouched()
    {
        var b = Conf.Valid("notify h { sink collect://h; timeout 2s; }", _contributions).Blocks.Single();
        var option = Assert.Single(b.SinkOptions);
        Assert.Equal(("timeout", "2s"), (option.Name, option.Arguments.Single().Value));
    }

    [Fact]
    public void Sign_key_with_more_than_one_argument_is_an_error_that_does_not_echo_the_keys()
    {
        var (options, diag) = Conf.Bind("notify h { sink collect://h; sign_key sk1first sk2second; }", _contributions);
        var error = Assert.Single(diag.Errors);
        Assert.Equal("test.conf:1:30: 'sign_key' expects 1 argument: sign_key KEY (one line per key)", error);
        Assert.Empty(options.Blocks);
        Assert.Contains(Conf.Bind("notify h { sink collect://h; sign_key; }", _contributions).Diagnostics.Errors,
            e => e.Contains("'sign_key' expects 1 argument"));
    }
}
