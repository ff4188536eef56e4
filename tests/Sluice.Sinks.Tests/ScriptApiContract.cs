using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Plugins;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

/// <summary>
/// The script sinks' API (events, args, mail.send, http.post, json, log, errors, limits, sandbox)
/// is one contract implemented twice, by Lua and by JavaScript: every test here runs against both
/// engines (<see cref="LuaScriptApiTests"/>, <see cref="JsScriptApiTests"/>), each engine giving the
/// same scripts in its own language. Real SMTP (aiosmtpd) and HTTP (Kestrel) servers on loopback.
/// </summary>
public abstract class ScriptApiContract : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly IEventSinkFactory _factory;

    protected ScriptApiContract() => _factory = TestPluginBuilder.SinkTypeOf(Plugin);

    public void Dispose() => _dir.Dispose();

    protected abstract ISluicePlugin Plugin { get; }

    protected abstract string Extension { get; }

    /// <summary>Posts <c>{events = events, args = args}</c> as JSON to <c>args.url</c>.</summary>
    protected abstract string EchoEventsAndArgs { get; }

    /// <summary>The spec's no_video example: a mail listing the streams of the batch.</summary>
    protected abstract string NoVideo { get; }

    /// <summary>mail.send with <c>html = "&lt;b&gt;down&lt;/b&gt;"</c> and an attachment <c>events.json</c> holding json.encode(events).</summary>
    protected abstract string MailWithHtmlAndAttachment { get; }

    /// <summary>http.post to args.url with header X-Token = args.token; fails unless the answer is 201 with <c>{"ok": true, "n": [1, 2]}</c>.</summary>
    protected abstract string PostAndCheckAnswer { get; }

    /// <summary>json.decode of <c>{"a":[1,2,{"b":null}],"s":"ü"}</c>, then posts json.encode of {a1 = a[1], s = s, count = #a} to args.url.</summary>
    protected abstract string JsonRoundTrip { get; }

    /// <summary>log.info("hello", 42), log.warning("careful"), log.error("broken").</summary>
    protected abstract string LogLines { get; }

    /// <summary>Two harmless lines, then a runtime error on line 3.</summary>
    protected abstract string RuntimeErrorOnLine3 { get; }

    /// <summary>A valid line 1, a syntax error on line 2.</summary>
    protected abstract string SyntaxErrorOnLine2 { get; }

    /// <summary>A harmless line 1, mail.send to args.to on line 2.</summary>
    protected abstract string MailSendOnLine2 { get; }

    /// <summary>A harmless line 1, http.post to args.url on line 2.</summary>
    protected abstract string HttpPostOnLine2 { get; }

    /// <summary>Loops for ever when events[1].media is "cam1", else does nothing.</summary>
    protected abstract string EndlessLoopForCam1 { get; }

    /// <summary>Allocates without bound when events[1].media is "cam1", else does nothing.</summary>
    protected abstract string UnboundedAllocationForCam1 { get; }

    /// <summary>Catches the error of unbounded allocation and goes on allocating, for ever.</summary>
    protected abstract string CatchTheMemoryErrorAndGoOn { get; }

    /// <summary>Fails unless a global <c>seen</c> is unset, then sets it.</summary>
    protected abstract string GlobalsAreFresh { get; }

    /// <summary>Fails unless the batch has args.want events.</summary>
    protected abstract string CountEvents { get; }

    /// <summary>Attempts to leave the sandbox (files, processes, modules, native code); each must fail its batch.</summary>
    protected abstract IEnumerable<string> SandboxEscapes { get; }

    private string Script(string text, string name = "script")
    {
        var file = name + Extension;
        File.WriteAllText(_dir.File(file), text);
        return file;
    }

    private static Task Deliver(IEventSink sink, string media = "cam1", int events = 1) =>
        sink.DeliverAsync(Enumerable.Range(1, events).Select(i => Event("source_closed", i == 1 ? media : $"cam{i}")).ToList(), CancellationToken.None).AsTask();

    [Fact]
    public async Task Events_and_args_reach_the_script_as_values()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var context = Context(Script(EchoEventsAndArgs), _dir.Path,
            [Opt("url", receiver.BaseUrl + "/echo"), Opt("to", "admin@my.cdn"), Opt("timeout", "3s"), Opt("memory", "32M")]);
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        var evt = new SluiceEvent("source_closed", "id-1", 1_795_255_200_123, "streamer1", EventLevel.Warning, "cam1", null,
            [new("reason", "timed out"), new("bytes", 1_843_200L), new("ratio", 0.5), new("live", true), new("info", EventValue.FromJson("{\"codec\":\"h264\",\"tracks\":[1,2]}"))]);
        await sink.DeliverAsync([evt, Event("stream_stopped", "news")], CancellationToken.None);

        using var doc = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        var events = doc.RootElement.GetProperty("events");
        Assert.Equal(2, events.GetArrayLength());
        var e = events[0];
        Assert.Equal(("source_closed", "id-1", "cam1", "warning", "streamer1"),
            (e.GetProperty("event").GetString(), e.GetProperty("id").GetString(), e.GetProperty("media").GetString(),
             e.GetProperty("level").GetString(), e.GetProperty("server").GetString()));
        Assert.Equal(1_795_255_200_123, e.GetProperty("utc_ms").GetInt64());
        Assert.Equal("timed out", e.GetProperty("reason").GetString());
        Assert.Equal(1_843_200, e.GetProperty("bytes").GetInt64());
        Assert.Equal(0.5, e.GetProperty("ratio").GetDouble());
        Assert.True(e.GetProperty("live").GetBoolean());
        Assert.Equal("h264", e.GetProperty("info").GetProperty("codec").GetString());
        Assert.Equal(2, e.GetProperty("info").GetProperty("tracks")[1].GetInt32());
        Assert.Equal("news", events[1].GetProperty("media").GetString());
        var args = doc.RootElement.GetProperty("args");
        Assert.Equal("admin@my.cdn", args.GetProperty("to").GetString());
        Assert.False(args.TryGetProperty("timeout", out _), "the sink's own options are not args");
        Assert.False(args.TryGetProperty("memory", out _));
    }

    [Fact]
    public async Task The_spec_no_video_mail_arrives_through_a_real_smtp_server()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var context = Context(Script(NoVideo, "no_video"), _dir.Path,
            [Opt("only", "event=stream_stopped,source_lost"), Opt("from", "flussonic@streamer1.my.cdn"), Opt("to", "admin@my.cdn"),
             Opt("via", $"smtp://127.0.0.1:{smtp.Port}")]);
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        await sink.DeliverAsync(Batch(Event("source_lost", "cam1"), Event("stream_stopped", "news")), CancellationToken.None);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("flussonic@streamer1.my.cdn", mail.EnvelopeFrom);
        Assert.Equal(["admin@my.cdn"], mail.EnvelopeTo);
        Assert.Equal(("flussonic@streamer1.my.cdn", "admin@my.cdn", "Source lost"), (mail.Headers["From"], mail.Headers["To"], mail.Headers["Subject"]));
        Assert.Equal("Source lost on following streams: \n  cam1\n  news\n", mail.Body);
    }

    [Fact]
    public async Task Mail_send_takes_an_html_alternative_and_attachments()
    {
        await using var smtp = await SmtpServer.StartAsync();
        await using var sink = _factory.Create(Context(Script(MailWithHtmlAndAttachment), _dir.Path,
            [Opt("to", "admin@my.cdn, ops@my.cdn"), Opt("via", $"smtp://127.0.0.1:{smtp.Port}")]));
        await Deliver(sink);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal("sluice@streamer1.test", mail.EnvelopeFrom);   // no from: sluice@SERVER
        Assert.Equal(["admin@my.cdn", "ops@my.cdn"], mail.EnvelopeTo);
        Assert.Equal("<b>down</b>", mail.Html);
        var attachment = Assert.Single(mail.Parts);
        Assert.Equal(("events.json", "application/json"), (attachment.Name, attachment.ContentType));
        using var doc = JsonDocument.Parse(attachment.Content);
        Assert.Equal("cam1", doc.RootElement[0].GetProperty("media").GetString());
    }

    [Fact]
    public async Task Http_post_sends_json_with_the_scripts_headers_and_returns_status_and_body()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = async ctx =>
        {
            ctx.Response.StatusCode = 201;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("{\"ok\": true, \"n\": [1, 2]}");
        };
        await using var sink = _factory.Create(Context(Script(PostAndCheckAnswer), _dir.Path,
            [Opt("url", receiver.BaseUrl + "/hook"), Opt("token", "t0k")]));
        await Deliver(sink, events: 2);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hook", request.Path);
        Assert.Equal("t0k", request.Headers["X-Token"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal(2, doc.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Json_decodes_and_encodes_nested_values()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var sink = _factory.Create(Context(Script(JsonRoundTrip), _dir.Path, [Opt("url", receiver.BaseUrl + "/json")]));
        await Deliver(sink);
        using var doc = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        Assert.Equal((1, "ü", 3), (doc.RootElement.GetProperty("a1").GetInt32(), doc.RootElement.GetProperty("s").GetString(),
            doc.RootElement.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Log_lines_reach_the_hosts_log_tagged_with_the_scripts_name()
    {
        var logger = new ListLogger();
        var name = Script(LogLines, "logging");
        await using var sink = _factory.Create(Context(name, _dir.Path, logger: logger));
        await Deliver(sink);
        Assert.Contains((LogLevel.Information, $"{name}: hello 42"), logger.Lines);
        Assert.Contains((LogLevel.Warning, $"{name}: careful"), logger.Lines);
        Assert.Contains((LogLevel.Error, $"{name}: broken"), logger.Lines);
    }

    [Fact]
    public async Task Errors_fail_the_delivery_with_the_scripts_line()
    {
        await using (var sink = _factory.Create(Context(Script(RuntimeErrorOnLine3, "runtime"), _dir.Path)))
            Assert.Contains("failed at line 3:", (await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink))).Message);
        await using (var sink = _factory.Create(Context(Script(SyntaxErrorOnLine2, "syntax"), _dir.Path)))
            Assert.Contains("failed at line 2:", (await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink))).Message);
        await using (var sink = _factory.Create(Context(Script(MailSendOnLine2, "mail"), _dir.Path, [Opt("to", "a@b.c"), Opt("via", "smtp://127.0.0.1:1")])))
        {
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.Contains("failed at line 2:", e.Message);
            Assert.Contains("mail.send: cannot connect to smtp://127.0.0.1:1", e.Message);
        }
        await using (var sink = _factory.Create(Context(Script(HttpPostOnLine2, "post"), _dir.Path, [Opt("url", "ftp://x/")])))
        {
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.Contains("failed at line 2:", e.Message);
            Assert.Contains("http.post: 'ftp://x/' is not an http(s) URL", e.Message);
        }
    }

    [Fact]
    public async Task An_endless_loop_fails_its_batch_at_the_time_limit_and_the_next_batch_runs()
    {
        await using var sink = _factory.Create(Context(Script(EndlessLoopForCam1), _dir.Path, [Opt("timeout", "300ms")]));
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink, "cam1"));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.True(e.Message.Contains("time limit", StringComparison.Ordinal), e.Message);
        await Deliver(sink, "cam2");
    }

    [Fact]
    public async Task Unbounded_allocation_fails_its_batch_at_the_memory_limit_and_the_next_batch_runs()
    {
        await using var sink = _factory.Create(Context(Script(UnboundedAllocationForCam1), _dir.Path, [Opt("memory", "16M"), Opt("timeout", "20s")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink, "cam1"));
        Assert.Contains("memory", e.Message);
        await Deliver(sink, "cam2");
        e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink, "cam1"));   // the limit holds the second time too
        Assert.Contains("memory", e.Message);
        await Deliver(sink, "cam2");
    }

    [Fact]
    public async Task A_script_that_catches_the_memory_error_and_goes_on_is_still_stopped_within_its_limits()
    {
        var name = Script(CatchTheMemoryErrorAndGoOn, "stubborn");
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("memory", "16M"), Opt("timeout", "3s")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
        Assert.True(e.Message.Contains("memory", StringComparison.Ordinal) || e.Message.Contains("time limit", StringComparison.Ordinal), e.Message);
        File.WriteAllText(_dir.File(name), CountEvents);
        await using var next = _factory.Create(Context(name, _dir.Path, [Opt("want", "1")]));
        await Deliver(next);
    }

    [Fact]
    public async Task Each_attempt_to_leave_the_sandbox_fails_its_batch_only()
    {
        File.WriteAllText(_dir.File("count" + Extension), CountEvents);
        await using var other = _factory.Create(Context("count" + Extension, _dir.Path, [Opt("want", "1")]));
        var i = 0;
        foreach (var escape in SandboxEscapes)
        {
            var name = Script(escape, $"escape{i++}");
            await using var sink = _factory.Create(Context(name, _dir.Path));
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.Contains(name, e.Message);
            await Deliver(other);                                   // another block runs on
            File.WriteAllText(_dir.File(name), CountEvents);        // the same sink's next batch works
            await using var again = _factory.Create(Context(name, _dir.Path, [Opt("want", "2")]));
            await Deliver(again, events: 2);
        }
        Assert.True(i >= 3, "engines list their escapes");
        Assert.False(File.Exists("/tmp/sluice-escaped"), "a script left a file behind");
    }

    [Fact]
    public async Task Globals_of_a_batch_are_gone_at_the_next()
    {
        await using var sink = _factory.Create(Context(Script(GlobalsAreFresh), _dir.Path));
        await Deliver(sink);
        await Deliver(sink);
    }

    [Fact]
    public async Task An_edit_of_the_script_takes_effect_at_the_next_batch()
    {
        var name = Script(RuntimeErrorOnLine3);
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("want", "3")]));
        await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
        File.WriteAllText(_dir.File(name), CountEvents);
        await Deliver(sink, events: 3);
    }

    [Fact]
    public async Task Cancelling_a_delivery_stops_the_script_and_the_next_batch_runs_in_time()
    {
        await using var sink = _factory.Create(Context(Script(EndlessLoopForCam1), _dir.Path, [Opt("timeout", "30s")]));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.DeliverAsync(Batch(Event("x", "cam1")), cts.Token).AsTask());
        await sink.DeliverAsync(Batch(Event("x", "cam2")), CancellationToken.None);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_missing_script_is_a_warning_and_deliveries_fail_until_it_exists()
    {
        var name = "later" + Extension;
        var context = Context(name, _dir.Path, [Opt("want", "1")]);
        var diagnostics = Validate(_factory, context);
        Assert.Empty(diagnostics.Errors);
        Assert.Contains(diagnostics.Warnings, d => d.Message.Contains("does not exist"));
        await using var sink = _factory.Create(context);
        Assert.Contains(name, (await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink))).Message);
        File.WriteAllText(_dir.File(name), CountEvents);
        await Deliver(sink);
    }
}
