using System.Text.Json;
using Sluice.Abstractions.Events;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Log;
using Sluice.Sinks.Tests.Support;
using static Sluice.Sinks.Tests.Support.Sinks;

namespace Sluice.Sinks.Tests;

public sealed class LogSinkTests : IDisposable
{
    private readonly IEventSinkFactory _factory = TestPluginBuilder.SinkTypeOf(new LogSinkPlugin());
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Appends_one_json_object_per_line_relative_to_the_config_folder()
    {
        var context = Context("log://logs/events.log", _dir.Path);
        Assert.Empty(Validate(_factory, context).Items);
        var batch = Batch(Event("stream_started", "cam1", new EventField("ip", "10.0.0.1")), Event("source_closed", "cam2"));
        await using (var sink = _factory.Create(context))
        {
            await sink.DeliverAsync(batch, CancellationToken.None);
            await sink.DeliverAsync(Batch(Event("stream_stopped", "cam3")), CancellationToken.None);
        }
        var lines = File.ReadAllLines(Path.Combine(_dir.Path, "logs", "events.log"));
        Assert.Equal(3, lines.Length);
        Assert.Equal(batch[0].ToJson(), lines[0]);
        Assert.Equal("cam3", JsonDocument.Parse(lines[2]).RootElement.GetProperty("media").GetString());
    }

    [Fact]
    public async Task Absolute_path_is_used_as_is_and_existing_lines_are_kept()
    {
        var path = _dir.File("abs/sub/crash.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "old line\n");
        await using (var sink = _factory.Create(Context($"log://{path}", "/nonexistent-config-dir")))
            await sink.DeliverAsync(Batch(Event("config_reloaded")), CancellationToken.None);
        var lines = File.ReadAllLines(path);
        Assert.Equal(["old line", lines[1]], lines);
        Assert.Contains("\"config_reloaded\"", lines[1]);
    }

    [Fact]
    public async Task Text_format_writes_one_readable_line_per_event()
    {
        var evt = new SluiceEvent("source_closed", "id-1", 1_795_255_200_123, "streamer1", EventLevel.Warning, "cam1", null,
            [new("reason", "timed out"), new("bytes", 42L)]);
        await using (var sink = _factory.Create(Context("log://text.log", _dir.Path, [Opt("format", "text")])))
            await sink.DeliverAsync(Batch(evt), CancellationToken.None);
        var line = Assert.Single(File.ReadAllLines(_dir.File("text.log")));
        Assert.Equal("2026-11-21T10:00:00.123Z warning source_closed media=cam1 server=streamer1 reason=\"timed out\" bytes=42 id=id-1", line);
    }

    [Fact]
    public async Task Text_format_escapes_every_part_so_no_event_can_forge_a_line_or_drive_the_terminal()
    {
        var forged = new SluiceEvent("evil\n2026-11-21T10:00:00.000Z error server_started", "id\r2", 1_795_255_200_123, "srv\u001b[2J",
            EventLevel.Info, "cam\u2028x", null,
            [new("key\nwith=break", "v"), new("ansi", "\u001b[31mred\u001b[0m"), new("path", "C:\\dir"), new("bidi", "a\u202eb")]);
        await using (var sink = _factory.Create(Context("log://forged.log", _dir.Path, [Opt("format", "text")])))
            await sink.DeliverAsync(Batch(forged), CancellationToken.None);
        var text = File.ReadAllText(_dir.File("forged.log"));
        Assert.Equal(
            "2026-11-21T10:00:00.123Z info \"evil\\n2026-11-21T10:00:00.000Z error server_started\" media=\"cam\\u2028x\" server=\"srv\\u001b[2J\" "
            + "\"key\\nwith=break\"=v ansi=\"\\u001b[31mred\\u001b[0m\" path=\"C:\\\\dir\" bidi=\"a\\u202eb\" id=\"id\\r2\"\n", text);
    }

    [Fact]
    public async Task A_moved_away_file_is_recreated_at_the_next_batch()
    {
        var path = _dir.File("rot.log");
        await using var sink = _factory.Create(Context("log://rot.log", _dir.Path));
        await sink.DeliverAsync(Batch(Event("first")), CancellationToken.None);
        File.Move(path, path + ".1");
        await sink.DeliverAsync(Batch(Event("second")), CancellationToken.None);
        Assert.Contains("\"first\"", Assert.Single(File.ReadAllLines(path + ".1")));
        Assert.Contains("\"second\"", Assert.Single(File.ReadAllLines(path)));
    }

    [Fact]
    public async Task A_truncated_file_gets_new_lines_from_its_start()
    {
        var path = _dir.File("trunc.log");
        await using var sink = _factory.Create(Context("log://trunc.log", _dir.Path));
        await sink.DeliverAsync(Batch(Event("first"), Event("first_again")), CancellationToken.None);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
        await sink.DeliverAsync(Batch(Event("second")), CancellationToken.None);
        var bytes = File.ReadAllBytes(path);
        Assert.DoesNotContain((byte)0, bytes); // no sparse hole before the new line
        Assert.Contains("\"second\"", Assert.Single(File.ReadAllLines(path)));
    }

    [Fact]
    public async Task A_file_replaced_at_the_path_is_reopened()
    {
        var path = _dir.File("repl.log");
        await using var sink = _factory.Create(Context("log://repl.log", _dir.Path));
        await sink.DeliverAsync(Batch(Event("first")), CancellationToken.None);
        File.Move(path, path + ".old");
        File.WriteAllText(path, ""); // logrotate's `create`
        await sink.DeliverAsync(Batch(Event("second")), CancellationToken.None);
        Assert.Contains("\"second\"", Assert.Single(File.ReadAllLines(path)));
        Assert.Single(File.ReadAllLines(path + ".old"));
    }

    [Fact]
    public async Task Sigusr1_makes_the_sink_reopen_its_file()
    {
        var path = _dir.File("usr1.log");
        await using var sink = _factory.Create(Context("log://usr1.log", _dir.Path));
        await sink.DeliverAsync(Batch(Event("first")), CancellationToken.None);
        // Replace the file by one of the same length, which the size check alone cannot see.
        File.Move(path, path + ".1");
        File.Copy(path + ".1", path);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-USR1", Environment.ProcessId.ToString()]))
            await kill.WaitForExitAsync();
        await Task.Delay(200);
        await sink.DeliverAsync(Batch(Event("second")), CancellationToken.None);
        Assert.Equal(2, File.ReadAllLines(path).Length);
        Assert.Single(File.ReadAllLines(path + ".1"));
    }

    [Fact]
    public void Validate_rejects_a_spec_without_a_file_and_an_unknown_format()
    {
        var format = Opt("format", "xml");
        var diagnostics = Validate(_factory, Context("log://", _dir.Path, [format]));
        Assert.Contains(diagnostics.Errors, d => d.Message.Contains("names no file"));
        Assert.Contains(diagnostics.Errors, d => d.Location == format.Location && d.Message.Contains("json or text"));
    }
}
