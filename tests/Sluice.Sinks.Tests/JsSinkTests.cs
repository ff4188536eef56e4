using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.JavaScript;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

/// <summary>What only the JavaScript sink has (the shared script API is in <see cref="ScriptApiContract"/>).</summary>
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
    public async Task Modern_javascript_with_top_level_await_posts_and_reads_the_answer()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = ctx => ctx.Response.WriteAsync("{\"accepted\":2}");
        var name = Script("post.mjs", """
            const { url, token } = args;
            const names = events.map(({ media }) => media);
            const { status, body } = await http.post(url, json.encode({ media: names }), { 'X-Token': token });
            if (status !== 200 || json.decode(body).accepted !== 2) throw new Error(`bad answer ${status} ${body}`);
            const [first, ...rest] = names;
            console.log(`posted ${first} and ${rest.length} more`);
            """);
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("url", receiver.BaseUrl + "/js"), Opt("token", "t0k")]));
        await Deliver(sink, events: 2);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("t0k", request.Headers["X-Token"]);
        Assert.Equal("application/json", request.Headers["Content-Type"].Split(';')[0]);
        using var doc = JsonDocument.Parse(request.Body);
        Assert.Equal(["cam1", "cam2"], doc.RootElement.GetProperty("media").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_rejected_promise_or_a_thrown_value_fails_the_delivery_and_a_promise_that_never_settles_too()
    {
        var name = Script("async.js", "await Promise.resolve();\nif (args.mode === 'reject') await Promise.reject(new RangeError('no'));\nif (args.mode === 'throw') throw 'plain';\nawait new Promise(() => {});\n");
        await using (var sink = _factory.Create(Context(name, _dir.Path, [Opt("mode", "reject")])))
        {
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.EndsWith("failed at line 2: RangeError: no", e.Message);
        }
        await using (var sink = _factory.Create(Context(name, _dir.Path, [Opt("mode", "throw")])))
        {
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.EndsWith("failed: thrown: plain", e.Message);
        }
        await using (var sink = _factory.Create(Context(name, _dir.Path)))
        {
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.Contains("never settles", e.Message);
        }
    }

    [Fact]
    public async Task Nothing_of_node_nor_of_dotnet_is_reachable_from_a_script()
    {
        var probe = Script("probe.js", """
            const absent = ['process', 'fetch', 'setTimeout', 'setInterval', 'XMLHttpRequest', 'Buffer', 'module', 'exports',
                            '__dirname', 'host', 'hostCall', 'xHost', 'clr', 'lib'];
            for (const name of absent) if (typeof globalThis[name] !== 'undefined') throw new Error(`${name} is there`);
            let refused = 0;
            for (const spec of ['fs', 'node:fs', 'child_process', './local.js']) {
              try { require(spec); } catch (e) { if (/not available/.test(e.message)) refused++; }
            }
            if (refused !== 4) throw new Error('require worked');
            for (const spec of ['fs', '/etc/passwd', './local.js']) {
              let loaded = false;
              try { await import(spec); loaded = true; } catch { }
              if (loaded) throw new Error(`import(${spec}) worked`);
            }
            // The API objects are JavaScript objects: nothing leads from them to .NET.
            if (typeof mail.send.GetType !== 'undefined' || typeof http.post.Target !== 'undefined') throw new Error('a .NET member');
            mail = null; json = null;   // read-only: the next batch still has them
            """);
        File.WriteAllText(_dir.File("local.js"), "module.exports = 1;");
        await using var sink = _factory.Create(Context(probe, _dir.Path));
        await Deliver(sink);
        File.WriteAllText(_dir.File(probe), "if (typeof mail.send !== 'function' || json.encode([1]) !== '[1]') throw new Error('api lost');\n");
        await Deliver(sink);
    }

    [Fact]
    public async Task The_node_option_of_older_configurations_is_a_warning_and_not_an_argument()
    {
        var name = Script("args.js", "if (args.node !== undefined || args.timeout !== undefined || args.memory !== undefined) throw new Error(json.encode(args));\n");
        var node = Opt("node", "/usr/bin/node");
        var context = Context(name, _dir.Path, [node, Opt("timeout", "2s"), Opt("memory", "32M")]);
        var diagnostics = Validate(_factory, context);
        Assert.Empty(diagnostics.Errors);
        Assert.Contains(diagnostics.Warnings, d => d.Location == node.Location && d.Message.Contains("Node.js is not used"));
        await using var sink = _factory.Create(context);
        await Deliver(sink);
    }

    [Fact]
    public void Validate_reports_a_memory_limit_below_8M()
    {
        var memory = Opt("memory", "1M");
        Assert.Contains(Validate(_factory, Context(Script("m.js", ""), _dir.Path, [memory])).Errors, d => d.Location == memory.Location);
    }
}
