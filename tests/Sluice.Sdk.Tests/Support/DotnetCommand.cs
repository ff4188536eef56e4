using System.Diagnostics;

namespace Sluice.Sdk.Tests.Support;

/// <summary>What one child `dotnet` command did.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Took)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The command and the end of its output, for assertion messages.</summary>
    public string Describe() =>
        $"`{CommandLine}` exited {ExitCode} after {Took.TotalSeconds:F0}s:\n{(Output.Length > 6000 ? "..." + Output[^6000..] : Output)}";
}

/// <summary>
/// Runs the `dotnet` CLI as a plugin author would, isolated from the test run: a private NuGet cache,
/// no MSBuild settings inherited from the `dotnet test` that runs us, no lingering MSBuild nodes,
/// and a hard time limit after which the whole process tree is killed.
/// </summary>
internal sealed class DotnetCommand(string nugetCache)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";

    public Task<CommandResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        // Output goes to a file, not a pipe: a compiler server the build starts may outlive the command
        // holding our stdout, and reading a pipe to its end would then wait for that server.
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$SLUICE_SDK_LOG\" 2>&1 </dev/null");
        psi.ArgumentList.Add(Dotnet);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return RunAsync(psi, "dotnet " + string.Join(' ', arguments), timeout);
    }

    /// <summary>
    /// Runs <paramref name="script"/> with bash (-e: the first failing line stops it, -x: each line is echoed
    /// into the output), as a user pasting it into a terminal, with the same isolation and a HOME of the
    /// caller's choosing (the script's <c>~</c> and <c>dotnet new install</c> go there).
    /// </summary>
    public Task<CommandResult> RunScriptAsync(string workingDirectory, string script, string home, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("/bin/bash") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec >\"$SLUICE_SDK_LOG\" 2>&1 </dev/null; set -ex; " + script);
        psi.Environment["HOME"] = home;
        // The `dotnet` the script names is the one running these tests.
        if (Path.GetDirectoryName(Dotnet) is { Length: > 0 } dir)
            psi.Environment["PATH"] = dir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        return RunAsync(psi, "bash: " + script.ReplaceLineEndings(" ; "), timeout);
    }

    private async Task<CommandResult> RunAsync(ProcessStartInfo psi, string commandLine, TimeSpan? timeout)
    {
        var log = Path.Combine(Path.GetTempPath(), "sluice-sdk-cmd-" + Guid.NewGuid().ToString("N") + ".log");
        Isolate(psi.Environment);
        psi.Environment["SLUICE_SDK_LOG"] = log;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + commandLine);
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var exitCode = -1;
        try
        {
            await process.WaitForExitAsync(limit.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        var output = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
        File.Delete(log);
        if (exitCode == -1) output += $"\n[killed: still running after {(timeout ?? DefaultTimeout).TotalSeconds:F0}s]";
        return new CommandResult(commandLine, exitCode, output, clock.Elapsed);
    }

    private void Isolate(IDictionary<string, string?> env)
    {
        foreach (var key in env.Keys.ToList())
        {
            // `dotnet test` exports MSBuild and test-platform settings meant for itself, not for a nested CLI.
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                env.Remove(key);
            }
        }
        env["NUGET_PACKAGES"] = nugetCache;
        env["MSBUILDDISABLENODEREUSE"] = "1";
        env["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        env["DOTNET_NOLOGO"] = "1";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        env["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        env["DOTNET_CLI_UI_LANGUAGE"] = "en";
    }
}
