using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Common.Tests;

public sealed class SinkOptionsTests
{
    private static ConfigDirective Opt(string name, string value, int line = 3) =>
        new(name, [new ConfigArgument(null, [value], false, new SourceLocation("t.conf", line, 10))], null, new SourceLocation("t.conf", line, 5));

    private static SinkContext Context(params ConfigDirective[] options) => new()
    {
        BlockName = "b", Spec = "x", Location = new SourceLocation("t.conf", 1, 1), Options = options,
        ConfigDirectory = "/etc/sluice", ServerName = "s",
        Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };

    private sealed class Diagnostics : IConfigDiagnostics
    {
        public List<(SourceLocation At, string Message)> Errors { get; } = [];
        public void Error(SourceLocation location, string message) => Errors.Add((location, message));
        public void Warning(SourceLocation location, string message) { }
    }

    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    public void A_timeout_is_a_duration_and_bare_numbers_are_seconds(string text, int ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), SinkOptions.Timeout(Context(Opt("timeout", text)), TimeSpan.FromSeconds(5)));

    [Fact]
    public void A_bad_or_zero_timeout_is_an_error_at_its_line_and_the_default_applies()
    {
        var diagnostics = new Diagnostics();
        Assert.Equal(TimeSpan.FromSeconds(5), SinkOptions.Timeout(Context(Opt("timeout", "0", line: 7)), TimeSpan.FromSeconds(5), diagnostics));
        Assert.Equal(7, Assert.Single(diagnostics.Errors).At.Line);
        Assert.Equal(TimeSpan.FromSeconds(5), SinkOptions.Timeout(Context(), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void The_last_of_repeated_options_counts_and_arguments_leave_out_the_sinks_own()
    {
        var context = Context(Opt("to", "a@x"), Opt("timeout", "3"), Opt("to", "b@x"), Opt("token", "t"));
        Assert.Equal("b@x", SinkOptions.Find(context, "to")!.Arguments[0].Value);
        var args = SinkOptions.Arguments(context, "timeout");
        Assert.False(args.ContainsKey("timeout"));
        Assert.Equal("t", args["token"]);
    }

    [Fact]
    public void Flags_are_booleans() =>
        Assert.True(SinkOptions.Flag(Context(Opt("unsafe", "true")), "unsafe"));

    [Theory]
    [InlineData("hook.lua", "/etc/sluice/hook.lua")]
    [InlineData("../x/hook.lua", "/etc/x/hook.lua")]
    [InlineData("/opt/hook.lua", "/opt/hook.lua")]
    public void Paths_are_relative_to_the_configurations_folder(string path, string full) =>
        Assert.Equal(full, SinkPaths.Resolve("/etc/sluice", path));
}
