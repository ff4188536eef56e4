using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sluice.Sdk.Tests.Support;

namespace Sluice.Sdk.Tests;

/// <summary>
/// The README's plugin walkthrough, run exactly as written (only PLUGINS_DIR filled in), inside a copy of
/// the checkout as a new author would: the generated project sits under the repository's own
/// Directory.Build.props and central package versions and must build anyway.
/// </summary>
public sealed class ReadmeWalkthroughTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sluice-readme-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>The ```sh block of README.md that holds the walkthrough.</summary>
    private static string WalkthroughSteps()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var at = readme.IndexOf("dotnet new sluice-sink", StringComparison.Ordinal);
        Assert.True(at > 0, "README.md has no `dotnet new sluice-sink` step");
        var start = readme.LastIndexOf("```sh\n", at, StringComparison.Ordinal) + "```sh\n".Length;
        var end = readme.IndexOf("```", at, StringComparison.Ordinal);
        return readme[start..end];
    }

    [Fact]
    public async Task The_readme_plugin_steps_work_as_written_inside_the_checkout_and_the_host_loads_the_result()
    {
        var checkout = Path.Combine(_root, "sluice");
        await CopyCheckoutAsync(checkout);
        var home = Directory.CreateDirectory(Path.Combine(_root, "home")).FullName;
        var plugins = Path.Combine(_root, "plugins");
        var cache = Path.Combine(AppContext.BaseDirectory, "readme-nuget-cache");
        // A Sluice.Abstractions 1.0.0 cached by an earlier run would hide the one the steps pack now.
        foreach (var stale in new[] { "sluice.abstractions", "sluice.media" })
        {
            var cached = Path.Combine(cache, stale);
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }

        var steps = WalkthroughSteps().Replace("PLUGINS_DIR", plugins);
        var run = await new DotnetCommand(cache).RunScriptAsync(checkout, steps, home, TimeSpan.FromMinutes(12));
        Assert.True(run.Succeeded, run.Describe());
        Assert.DoesNotContain("NU1008", run.Output);

        var published = Path.Combine(plugins, "Acme.Pager");
        Assert.True(File.Exists(Path.Combine(published, "Acme.Pager.dll")), run.Describe());
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(published, "plugin.json"))))
            Assert.Equal("Acme.Pager", manifest.RootElement.GetProperty("name").GetString());

        // "the running host loads it; then in the configuration: notify pager { sink pager://events.jsonl; }"
        var folder = Directory.CreateDirectory(Path.Combine(_root, "host")).FullName;
        await using var host = await SluiceHost.StartAsync(folder,
            $"http 127.0.0.1:{{PORT}};\nplugins_dir {plugins};\nnotify pager {{ sink pager://events.jsonl; }}\n");
        using (var response = await host.Http.PostAsync("/api/v1/events",
                   new StringContent("""{"event":"readme_step","media":"m1"}""", Encoding.UTF8, "application/json")))
            Assert.True(response.IsSuccessStatusCode, host.Output);
        var events = Path.Combine(folder, "events.jsonl");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(File.Exists(events) && ReadShared(events).Contains("readme_step")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the event did not reach pager://events.jsonl\n" + host.Output);
            await Task.Delay(100);
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>The checkout as git sees it (tracked and new files, without what .gitignore leaves out: bin/, obj/).</summary>
    private static async Task CopyCheckoutAsync(string target)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" }) psi.ArgumentList.Add(a);
        using var git = Process.Start(psi)!;
        var list = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.Equal(0, git.ExitCode);
        foreach (var relative in list.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var source = Path.Combine(RepoPaths.Root, relative);
            if (!File.Exists(source)) continue; // deleted in the working tree
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
        }
    }
}
