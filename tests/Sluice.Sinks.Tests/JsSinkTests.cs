using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.JavaScript;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

public sealed class JsSinkTests : IDisposable
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new JsSinkPlugin());
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Script(string name, string text)
    {
        File.WriteAllText(_dir.File(name), text);
        return name;
    }

    private static Task Deliver(IEventSink sink, int events = 1) =>
        sink.DeliverAsync(Enumerable.Range(1, events).Select(i => Event("source_closed", $"cam{i}")).ToList(), CancellationToken.None).AsTask();

    [Fact]
    public async Task Modern_javascript_sends_mail_through_a_real_smtp_server()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var name = Script("no_video.js", """
            const names = events.map(({ media }) => media);
            const body = `Source lost on following streams:\n${names.map((n) => `  ${n}`).join('\n')}\n`;
            await mail.send({ from: args.from, to: args.to, subject: `Source lost (${names.length})`, body });
            log.info('mail sent for', names.length, 'streams');
            """);
        var context = Context(name, _dir.Path, [Opt("from", "sluice@streamer1.my.cdn"), Opt("to", "admin@my.cdn, ops@my.cdn"),
            Opt("via", $"smtp://127.0.0.1:{smtp.Port}")]);
        Assert.True(_factory.Claims(context.Spec));
        Assert.Empty(Validate(_factory, context).Items);
        await using var sink = _factory.Create(context);
        await Deliver(sink, events: 2);

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1));
        Assert.Equal(["admin@my.cdn", "ops@my.cdn"], mail.EnvelopeTo);
        Assert.Equal("Source lost (2)", mail.Headers["Subject"]);
        Assert.Equal("sluice@streamer1.my.cdn", mail.Headers["From"]);
        Assert.Equal("Source lost on following streams:\n  cam1\n  cam2\n", mail.Body);
    }

    [Fact]
    public async Task Top_level_await_of_http_post_and_json_work_against_a_real_receiver()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = ctx => ctx.Response.WriteAsync("{\"accepted\":2}");
        var name = Script("post.mjs", """
            const { url, token } = args;
            const { status, body } = await http.post(url, json.encode({ media: events.map((e) => e.media) }), { 'X-Token': token });
            if (status !== 200 || json.decode(body).accepted !== 2) throw new Error(`bad answer ${status} ${body}`);
            """);
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("url", receiver.BaseUrl + "/js"), Opt("token", "t0k")]));
        await Deliver(sink, events: 2);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("t0k", request.Headers["X-Token"]);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal(["cam1", "cam2"], doc.RootElement.GetProperty("media").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_script_error_fails_the_delivery_with_its_line_and_an_edit_takes_effect_next_batch()
    {
        var name = Script("err.js", "const a = 1;\n\nnull.boom;\n");
        await using var sink = _factory.Create(Context(name, _dir.Path));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("TypeError", e.Message);

        File.WriteAllText(_dir.File(name), "let x = ;\n");
        e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
        Assert.Contains("line 1", e.Message);
        Assert.Contains("SyntaxError", e.Message);

        File.WriteAllText(_dir.File(name), "if (events.length !== 3) throw new Error('want 3');\n");
        await Deliver(sink, events: 3);
    }

    [Fact]
    public async Task An_infinite_loop_kills_the_worker_at_the_time_limit_and_the_next_batch_gets_a_fresh_one()
    {
        var name = Script("loop.js", "if (args.mode === 'loop') { while (true) {} }\nrequire('node:fs').writeFileSync('pid.txt', String(process.pid));\n");
        await using (var looping = _factory.Create(Context(name, _dir.Path, [Opt("timeout", "500ms"), Opt("mode", "loop")])))
        {
            var watch = Stopwatch.StartNew();
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(looping));
            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(8)); // includes starting node
            Assert.Contains("killed", e.Message);
        }
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("timeout", "5s")]));
        await Deliver(sink);
        var pid = int.Parse(File.ReadAllText(_dir.File("pid.txt")));
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.False(Process.GetProcessById(pid).HasExited);

        await sink.DisposeAsync();
        Assert.True(WaitUntilGone(pid), "the Node.js worker outlived its sink");
    }

    [Fact]
    public async Task A_crashed_worker_fails_its_batch_and_is_restarted_for_the_next()
    {
        var name = Script("crash.js", "if (args.crash === 'yes' && events[0].media === 'cam1') process.exit(3);\n");
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("crash", "yes")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
        Assert.Contains("exited with code 3", e.Message);
        await sink.DeliverAsync(Batch(Event("source_closed", "cam2")), CancellationToken.None);
    }

    [Fact]
    public void Validate_reports_a_missing_script_and_a_missing_node_binary()
    {
        var node = Opt("node", "/nonexistent/node");
        var diagnostics = Validate(_factory, Context("missing.js", _dir.Path, [node]));
        Assert.Contains(diagnostics.Warnings, d => d.Message.Contains("does not exist") && d.Message.Contains("missing.js"));
        Assert.Contains(diagnostics.Errors, d => d.Location == node.Location);
    }

    private static bool WaitUntilGone(int pid)
    {
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.HasExited) return true;
            }
            catch (ArgumentException) { return true; }
            Thread.Sleep(50);
        }
        return false;
    }
}
