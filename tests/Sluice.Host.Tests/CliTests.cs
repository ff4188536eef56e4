using System.Text.RegularExpressions;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>`sluice check`, `sluice plugins`, `sluice --version` as an operator runs them.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sluice-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Check_exits_0_for_a_valid_configuration()
    {
        var path = Write("ok.conf", "http 8080;\nhttp 127.0.0.1:8081;\nloglevel debug;\nhostname streamer1.my.cdn;\nmax_sessions 1000;\n");
        var (code, _, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task Check_reports_every_error_with_file_line_col_and_exits_1()
    {
        var path = Write("bad.conf", "http 8080;\nloglevle debug;\nhttp 70000;\nmax_sessions -3;\n");
        var (code, _, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"{path}:2:1: ") && l.Contains("loglevel"));
        Assert.Contains(lines, l => l.StartsWith($"{path}:3:6: "));
        Assert.Contains(lines, l => l.StartsWith($"{path}:4:14: "));
    }

    [Fact]
    public async Task Check_warns_but_passes_for_spec_directives_this_build_does_not_implement()
    {
        var path = Write("flussonic.conf", "http 8080;\ngeoip /var/lib/geo.mmdb;\n");
        var (code, _, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        Assert.True(code == 0, stderr);
        Assert.Contains($"{path}:2:1: warning: 'geoip' is not supported by this build; ignored", stderr);
    }

    [Fact]
    public async Task Version_prints_the_host_version()
    {
        var (code, stdout, _) = await SluiceProcess.RunCommandAsync("--version");
        Assert.Equal(0, code);
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+"), stdout.Trim());
    }

    [Fact]
    public async Task Plugins_lists_each_plugin_with_its_state()
    {
        var plugins = Path.Combine(_dir.FullName, "plugins");
        Directory.CreateDirectory(Path.Combine(plugins, "Broken"));
        File.WriteAllText(Path.Combine(plugins, "Broken", "plugin.json"), "{ not json");
        var path = Write("p.conf", $"plugins_dir {plugins};\n");
        var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("plugins", "-c", path);
        Assert.True(code == 0, stderr);
        Assert.Matches(new Regex(@"Broken\s.*failed", RegexOptions.IgnoreCase), stdout);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("check")]
    [InlineData("plugins")]
    [InlineData("notify", "explain", "{\"event\":\"stream_started\"}")]
    [InlineData("notify", "bench")]
    public async Task A_missing_configuration_file_is_one_line_on_stderr_and_exit_2(params string[] command)
    {
        var missing = Path.Combine(_dir.FullName, "missing.conf");
        var args = command.Take(command[0] == "notify" ? 2 : 1).Concat(["-c", missing]).Concat(command.Skip(command[0] == "notify" ? 2 : 1)).ToArray();
        var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync(args);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Equal($"sluice: {missing}: no such configuration file", stderr.TrimEnd('\n'));
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("plugins")]
    [InlineData("notify", "bench")]
    public async Task An_unreadable_configuration_is_one_line_on_stderr_and_exit_2(params string[] command)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.FullName, "a-folder.conf")).FullName;
        var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync([.. command, "-c", folder]);
        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"sluice: {folder}: cannot read the configuration: ", line);
    }

    [Fact]
    public async Task Check_prints_one_problem_per_line_even_for_multi_line_values_and_template_errors()
    {
        var path = Write("multi.conf", "loglevel \"de\nbug\";\nnotify mail {\n  sink smtp://127.0.0.1:2525;\n  to ops@my.cdn;\n  subject \"{{#if x}}open\";\n  template \"{{#each}}{{/if}}\";\n}\n");
        var (code, _, stderr) = await SluiceProcess.RunCommandAsync("check", "-c", path);
        Assert.Equal(1, code);
        var lines = stderr.TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.StartsWith(path + ":", l));
        Assert.Contains(lines, l => l.StartsWith($"{path}:1:10: ") && l.Contains("got 'de bug'"));
        Assert.Contains(lines, l => l.StartsWith($"{path}:6:3: ") && l.Contains("'subject' template"));
        Assert.Contains(lines, l => l.StartsWith($"{path}:7:3: ") && l.Contains("'template'"));
        Assert.Equal(3, lines.Length);
    }
}
