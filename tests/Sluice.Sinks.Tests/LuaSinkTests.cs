using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Lua;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

public sealed class LuaSinkTests : IDisposable
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new LuaSinkPlugin());
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Script(string name, string text)
    {
        File.WriteAllText(_dir.File(name), text);
        return name;
    }

    private static Task Deliver(IEventSink sink, int events = 1) =>
        sink.DeliverAsync(Enumerable.Range(1, events).Select(i => Event("source_closed", $"cam{i}")).ToList(), CancellationToken.None).AsTask();

    [Theory]
    [InlineData("while true do pcall(function() while true do end end) end\n")]
    [InlineData("local co = coroutine.create(function() while true do end end)\nwhile true do coroutine.resume(co) end\n")]
    [InlineData("local f = coroutine.wrap(function() while true do end end)\nf()\n")]
    public async Task A_loop_that_catches_the_time_limit_error_or_hides_in_a_coroutine_is_still_stopped(string script)
    {
        var name = Script("stubborn.lua", script);
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("timeout", "300ms")]));
        var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
        Assert.Contains("time limit", e.Message);
        File.WriteAllText(_dir.File(name), "assert(events[1].media == 'cam1')\n");
        await Deliver(sink);
    }

    [Fact]
    public async Task The_sandbox_removes_os_execute_and_file_writes_unless_the_block_is_unsafe()
    {
        File.WriteAllText(_dir.File("data.txt"), "hello");
        var probe = Script("sandbox.lua", """
            assert(os.execute == nil, "os.execute present")
            assert(io.popen == nil, "io.popen present")
            assert(package.loadlib == nil, "package.loadlib present")
            assert(io.open("out.txt", "w") == nil, "could open for writing")
            assert(io.open("/etc/hostname") == nil, "could read outside the folder")
            local f = assert(io.open("data.txt"))
            assert(f:read("a") == "hello")
            f:close()
            """);
        await using (var sink = _factory.Create(Context(probe, _dir.Path)))
            await Deliver(sink);

        var attempt = Script("escape.lua", "os.execute('touch escaped')\n");
        await using (var sink = _factory.Create(Context(attempt, _dir.Path)))
        {
            var e = await Assert.ThrowsAsync<SinkDeliveryException>(() => Deliver(sink));
            Assert.Contains("line 1", e.Message);
        }
        Assert.False(File.Exists(_dir.File("escaped")));

        var unsafeScript = Script("unsafe.lua", $"assert(os.execute('touch {_dir.File("unsafe-ran")}'))\n");
        await using (var sink = _factory.Create(Context(unsafeScript, _dir.Path, [Opt("unsafe", "true")])))
            await Deliver(sink);
        Assert.True(File.Exists(_dir.File("unsafe-ran")));
    }

    [Fact]
    public async Task A_link_in_the_scripts_folder_does_not_open_the_sandbox_to_what_it_points_at()
    {
        // issue 10 item 1: `ln -s /etc etcl` then io.open("etcl/shadow") read /etc/shadow.
        using var outside = new TempFolder();
        File.WriteAllText(outside.File("secret.txt"), "TOP SECRET");
        File.WriteAllText(outside.File("secret.lua"), "return 'TOP SECRET'");
        Directory.CreateDirectory(_dir.File("sub"));
        File.WriteAllText(_dir.File("data.txt"), "inside");
        File.CreateSymbolicLink(_dir.File("etcl"), "/etc");                                  // a folder link, absolute
        File.CreateSymbolicLink(_dir.File("out"), outside.Path);                              // another folder link
        File.CreateSymbolicLink(_dir.File("file.txt"), outside.File("secret.txt"));           // a file link
        File.CreateSymbolicLink(_dir.File("hop2"), outside.File("secret.txt"));
        File.CreateSymbolicLink(_dir.File("hop1"), "hop2");                                   // a chain of links
        File.CreateSymbolicLink(_dir.File("sub/up"), "../out");                               // a relative link in a sub-folder
        File.CreateSymbolicLink(_dir.File("secretmod.lua"), outside.File("secret.lua"));      // a module link
        File.CreateSymbolicLink(_dir.File("alias.txt"), "data.txt");                          // a link that stays inside
        File.CreateSymbolicLink(_dir.File("loop"), "loop");                                   // a link to itself
        var name = Script("links.lua", """
            local function refused(path)
              local f, err = io.open(path)
              if f then error("io.open opened " .. path, 2) end   -- never print what it read: it may be /etc/shadow
              assert(err:find("outside the script's folder", 1, true), path .. ": " .. tostring(err))
              assert(not pcall(io.lines, path), "io.lines read " .. path)
              assert(loadfile(path) == nil, "loadfile loaded " .. path)
              assert(not pcall(dofile, path), "dofile ran " .. path)
            end
            refused("etcl/shadow")
            refused("etcl/hostname")
            refused("out/secret.txt")
            refused("file.txt")
            refused("hop1")
            refused("sub/up/secret.txt")
            refused("sub/../out/secret.txt")
            refused("loop")
            assert(not pcall(require, "secretmod"), "require loaded a linked module")
            assert(not pcall(require, "out.secret"), "require loaded a module through a folder link")
            assert(io.open("alias.txt"):read("a") == "inside", "a link inside the folder is refused")
            assert(io.open("sub/../data.txt"):read("a") == "inside")
            """);
        await using var sink = _factory.Create(Context(name, _dir.Path));
        await Deliver(sink);
    }

    [Fact]
    public async Task A_scripts_folder_reached_through_a_link_still_reads_its_own_files()
    {
        using var parent = new TempFolder();
        File.CreateSymbolicLink(parent.File("scripts"), _dir.Path);
        File.WriteAllText(_dir.File("data.txt"), "inside");
        File.WriteAllText(_dir.File("helper.lua"), "return 42");
        Script("linked.lua", "assert(io.open('data.txt'):read('a') == 'inside')\nassert(require('helper') == 42)\n");
        await using var sink = _factory.Create(Context("scripts/linked.lua", parent.Path));
        await Deliver(sink);
    }

    [Fact]
    public async Task Globals_do_not_leak_between_batches_and_args_are_visible()
    {
        var name = Script("fresh.lua", """
            assert(seen == nil, "a global survived the previous batch")
            seen = true
            assert(args.token == "abc", "args.token")
            assert(args.timeout == nil, "the sink's own option leaked into args")
            """);
        await using var sink = _factory.Create(Context(name, _dir.Path, [Opt("token", "abc"), Opt("timeout", "2s")]));
        await Deliver(sink);
        await Deliver(sink);
    }

    [Fact]
    public void Validate_reports_a_missing_script_a_bad_via_and_a_bad_timeout()
    {
        var via = Opt("via", "smtp://host:99999");
        var timeout = Opt("timeout", "-");
        var diagnostics = Validate(_factory, Context("missing.lua", _dir.Path, [via, timeout]));
        Assert.Contains(diagnostics.Warnings, d => d.Message.Contains("does not exist"));
        Assert.Contains(diagnostics.Errors, d => d.Location == via.Location && d.Message.Contains("port"));
        Assert.Contains(diagnostics.Errors, d => d.Message.Contains("'timeout'"));
    }
}
