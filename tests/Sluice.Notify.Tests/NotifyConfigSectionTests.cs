using Sluice.Abstractions.Events;
using Sluice.Notify.Tests.Support;
using Sluice.Host.Notify;

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

    [Fact]
    public void A_misspelled_router_option_is_a_warning_at_its_line_with_a_did_you_mean_and_still_goes_to_the_sink()
    {
        var (options, diag) = Conf.Bind("notify h {\n  sink collect://h;\n  onyl event=stream_started;\n  spol /tmp/s;\n}", _contributions);
        Assert.Empty(diag.Errors);
        Assert.Equal(
            ["test.conf:3:3: 'onyl' is not a notify option and is handed to the sink; did you mean 'only'?",
             "test.conf:4:3: 'spol' is not a notify option and is handed to the sink; did you mean 'spool'?"],
            diag.Warnings);
        var b = options.Blocks.Single();
        Assert.Equal(["onyl", "spol"], b.SinkOptions.Select(o => o.Name));
        Assert.Empty(b.Only);
    }

    [Fact]
    public void An_event_name_not_in_the_catalog_is_a_warning_at_its_argument_with_a_did_you_mean()
    {
        var (options, diag) = Conf.Bind("notify h {\n  sink collect://h;\n  only event=stream_startd,my_own_event;\n}", _contributions);
        Assert.Empty(diag.Errors);
        Assert.Equal(2, diag.Warnings.Count);
        Assert.StartsWith("test.conf:3:8: 'stream_startd' is not an event Sluice emits; did you mean 'stream_started'?", diag.Warnings[0]);
        Assert.StartsWith("test.conf:3:8: 'my_own_event' is not an event Sluice emits (injected events may use any name", diag.Warnings[1]);
        Assert.Single(options.Blocks.Single().Only); // a warning, not an error: the filter stays as written
    }

    [Fact]
    public void Spool_at_the_top_level_gives_every_block_a_folder_of_its_own_and_a_block_may_override_or_turn_it_off()
    {
        var blocks = Conf.Valid("""
            spool /var/spool/sluice 64M;
            notify a { sink collect://a; }
            notify b { sink collect://b; spool off; }
            notify c { sink collect://c; spool spools 2M; }
            notify d { sink collect://d; spool /srv/q; }
            """, _contributions).Blocks.ToDictionary(b => b.Name);
        Assert.Equal(new SpoolSettings("/var/spool/sluice/a", 64L << 20), blocks["a"].Spool);
        Assert.Null(blocks["b"].Spool);
        Assert.Equal(new SpoolSettings("/tmp/spools/c", 2L << 20), blocks["c"].Spool); // relative to the configuration's folder
        Assert.Equal(new SpoolSettings("/srv/q/d", SpoolSettings.DefaultMaxBytes), blocks["d"].Spool);
        Assert.Null(Conf.Valid("notify e { sink collect://e; }", _contributions).Blocks.Single().Spool);
    }

    [Theory]
    [InlineData("spool;", "test.conf:1:30: 'spool' expects a folder and an optional size: spool PATH [SIZE]; (e.g. spool /var/spool/sluice 1G;), got nothing")]
    [InlineData("spool /tmp/q 10K;", "test.conf:1:43: a spool needs at least 1M, got '10K'")]
    [InlineData("spool /tmp/q lots;", "test.conf:1:43: 'spool' expects a spool size (a size such as 500M, 10G), got 'lots'")]
    [InlineData("spool /tmp/q 1G extra;", "test.conf:1:30: 'spool' expects a folder and an optional size: spool PATH [SIZE]; (e.g. spool /var/spool/sluice 1G;), got 3 arguments")]
    public void Bad_spool_lines_are_errors_at_their_location(string line, string error)
    {
        var (options, diag) = Conf.Bind($"notify h {{ sink collect://h; {line} }}", _contributions);
        Assert.Equal([error], diag.Errors);
        Assert.Empty(options.Blocks);
    }

    [Fact]
    public void Resend_notifications_limit_beside_a_spool_is_warned_about()
    {
        var (options, diag) = Conf.Bind("notify h { sink collect://h; spool /tmp/q; resend_notifications_limit 100; }", _contributions);
        Assert.Empty(diag.Errors);
        Assert.Equal(["test.conf:1:44: 'resend_notifications_limit' has no effect on a block with a spool: the spool keeps every event until delivered (up to its SIZE)"],
            diag.Warnings);
        Assert.NotNull(options.Blocks.Single().Spool);
    }
}
