using System.Net;
using System.Text.Json;
using Sluice.Host.Tests.Support;

namespace Sluice.Host.Tests;

/// <summary>
/// The operator removes a sink plugin's folder while a notify block uses it: the removal waits (the
/// plugin keeps delivering, listed "removing ... in use by notify pager at FILE:LINE" in the API and
/// by <c>sluice plugins</c>, reloads keep working) until a configuration without the block is applied;
/// then it is unloaded and collected, its shadow copy deleted; put back, it loads again.
/// </summary>
public sealed class PluginRemovalProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private const string Pager = "notify pager {\n  sink log://pager.jsonl;\n  only event=probe;\n}\n";

    [Fact]
    public async Task Removing_a_plugin_a_block_uses_waits_for_the_configuration_then_unloads_it_and_cleans_its_shadow_copy()
    {
        var work = Directory.CreateTempSubdirectory("sluice-removal-").FullName;
        var plugins = PluginsDirectory.CopyOf(work, "Sluice.Sinks.Log");
        var pluginDir = Path.Combine(plugins, "Sluice.Sinks.Log");
        await using var host = await SluiceProcess.StartAsync(Pager, pluginsDir: plugins, workDir: work);
        var usedBy = $"notify pager at {host.ConfigPath}:3";   // plugins_dir and http come first
        var shadowRoot = Path.Combine(Path.GetTempPath(), "sluice-shadow", host.Pid.ToString());
        await Probes.PostAsync(host, "probe", 1);
        await Probes.WaitForSeqsAsync(Path.Combine(work, "pager.jsonl"), [1], Bound);
        var plugin = await PluginAsync(host, "Sluice.Sinks.Log");
        Assert.Equal("loaded", plugin?.GetProperty("state").GetString());
        Assert.Equal([usedBy], UsedBy(plugin!.Value));
        Assert.Single(ShadowCopies(shadowRoot));

        Directory.Delete(pluginDir, recursive: true);

        var removing = await WaitForPluginAsync(host, "Sluice.Sinks.Log", p => p?.GetProperty("state").GetString() == "removing");
        Assert.Equal([usedBy], UsedBy(removing!.Value));
        Assert.Contains($"in use by {usedBy}", removing.Value.GetProperty("error").GetString());
        await Probes.PostAsync(host, "probe", 2);   // still delivering
        await Probes.WaitForSeqsAsync(Path.Combine(work, "pager.jsonl"), [1, 2], Bound);
        var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("plugins", "-c", host.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.Contains($"(running host at http://127.0.0.1:{host.Port})", stdout);
        Assert.Matches($@"Sluice\.Sinks\.Log\s+\S+\s+Removing\s+{System.Text.RegularExpressions.Regex.Escape(pluginDir)}", stdout);
        Assert.Contains($"in use by {usedBy}", stdout);
        using (var same = await host.Http.PostAsync("/api/v1/config/reload", null))
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);   // the configuration still validates: the plugin is there
        Assert.Single(ShadowCopies(shadowRoot));

        var text = await File.ReadAllTextAsync(host.ConfigPath);
        await File.WriteAllTextAsync(host.ConfigPath, text.Replace(Pager, ""));
        using (var without = await host.Http.PostAsync("/api/v1/config/reload", null))
            Assert.Equal(HttpStatusCode.OK, without.StatusCode);

        await host.WaitForOutputAsync("plugin Sluice.Sinks.Log 0.1.0 unloaded and collected", Bound);
        Assert.Contains("plugin Sluice.Sinks.Log 0.1.0 removed", host.Output);
        Assert.Null(await PluginAsync(host, "Sluice.Sinks.Log"));
        Assert.Empty(ShadowCopies(shadowRoot));
        Assert.DoesNotContain("not collected", host.Output);

        PluginsDirectory.CopyDirectory(Path.Combine(RepoPaths.HostPlugins, "Sluice.Sinks.Log"), pluginDir);   // put back
        await WaitForPluginAsync(host, "Sluice.Sinks.Log", p => p?.GetProperty("state").GetString() == "loaded");
        Assert.Single(ShadowCopies(shadowRoot));
        await File.WriteAllTextAsync(host.ConfigPath, text);
        using (var again = await host.Http.PostAsync("/api/v1/config/reload", null))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await Probes.PostAsync(host, "probe", 3);
        await Probes.WaitForSeqsAsync(Path.Combine(work, "pager.jsonl"), [1, 2, 3], Bound);
    }

    [Fact]
    public async Task Sluice_plugins_without_a_running_host_lists_plugins_dir_and_what_of_the_file_uses_each_plugin()
    {
        var work = Directory.CreateTempSubdirectory("sluice-removal-").FullName;
        var plugins = PluginsDirectory.CopyOf(work, "Sluice.Sinks.Log", "Sluice.Sinks.Http");
        var conf = Path.Combine(work, "sluice.conf");
        await File.WriteAllTextAsync(conf, $"plugins_dir {plugins};\nhttp 127.0.0.1:{FreePort.Tcp()};\n" + Pager);
        try
        {
            var (code, stdout, stderr) = await SluiceProcess.RunCommandAsync("plugins", "-c", conf);

            Assert.True(code == 0, stderr);
            Assert.Contains($"plugins_dir {plugins} (no host running with {conf})", stdout);
            Assert.Matches(@"Sluice\.Sinks\.Log\s+\S+\s+Loaded\s", stdout);
            Assert.Contains($"used by notify pager at {conf}:3", stdout);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(stdout, "used by"));   // nothing uses the HTTP sink
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string[] ShadowCopies(string shadowRoot) =>
        Directory.Exists(shadowRoot) ? Directory.GetDirectories(shadowRoot, "Sluice.Sinks.Log-*") : [];

    private static string[] UsedBy(JsonElement plugin) =>
        plugin.GetProperty("used_by").EnumerateArray().Select(u => u.GetString()!).ToArray();

    private static async Task<JsonElement?> PluginAsync(SluiceProcess host, string name)
    {
        using var doc = JsonDocument.Parse(await host.Http.GetStringAsync("/api/v1/plugins"));
        foreach (var p in doc.RootElement.GetProperty("plugins").EnumerateArray())
        {
            if (p.GetProperty("name").GetString() == name) return p.Clone();
        }
        return null;
    }

    private static async Task<JsonElement?> WaitForPluginAsync(SluiceProcess host, string name, Func<JsonElement?, bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var p = await PluginAsync(host, name);
            if (condition(p)) return p;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"plugin {name} is {p?.ToString() ?? "not listed"}:\n{host.Output}");
            await Task.Delay(100);
        }
    }
}
