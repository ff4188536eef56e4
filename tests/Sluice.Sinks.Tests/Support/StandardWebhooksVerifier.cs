using System.Diagnostics;
using System.Text.Json;

namespace Sluice.Sinks.Tests.Support;

/// <summary>
/// The Standard Webhooks reference verifier: npm package <c>standardwebhooks</c> 1.1.1 (installed once from
/// the npm registry into a cache folder), run by node. <see cref="VerifyAsync"/> returns its verdict on each request.
/// </summary>
internal static class StandardWebhooksVerifier
{
    public const string Package = "standardwebhooks@1.1.1";

    private static readonly SemaphoreSlim Installing = new(1, 1);

    private const string Script = """
        const { Webhook } = require("standardwebhooks");
        const input = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
        const out = input.map(({ secret, headers, body }) => {
          try {
            new Webhook(secret).verify(Buffer.from(body, "base64").toString("utf8"), headers);
            return "ok";
          } catch (e) {
            return "rejected: " + e.message;
          }
        });
        console.log(JSON.stringify(out));
        """;

    /// <summary>The folder holding <c>node_modules/standardwebhooks</c>.</summary>
    public static async Task<string> InstallAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sluice-npm", "standardwebhooks-1.1.1");
        if (File.Exists(Path.Combine(folder, "node_modules", "standardwebhooks", "package.json"))) return folder;
        await Installing.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(folder, "node_modules", "standardwebhooks", "package.json"))) return folder;
            var staging = folder + ".tmp-" + Environment.ProcessId;
            Directory.CreateDirectory(staging);
            var (code, output) = await RunAsync("npm", staging, "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", staging, Package);
            if (code != 0) throw new InvalidOperationException($"npm install {Package} failed ({code}): {output}");
            try { Directory.Move(staging, folder); }
            catch (IOException) when (Directory.Exists(folder)) { Directory.Delete(staging, true); } // another test process won
            return folder;
        }
        finally { Installing.Release(); }
    }

    /// <summary>Verifies each request (headers as received, body bytes) with its secret; "ok" or "rejected: why".</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(IEnumerable<(string Secret, IReadOnlyDictionary<string, string> Headers, byte[] Body)> requests)
    {
        var folder = await InstallAsync();
        var input = requests.Select(r => new
        {
            secret = r.Secret,
            headers = r.Headers.Where(h => h.Key.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value),
            body = Convert.ToBase64String(r.Body),
        }).ToArray();
        var file = Path.Combine(folder, $"input-{Guid.NewGuid():N}.json");
        var script = Path.Combine(folder, "verify.js");
        await File.WriteAllTextAsync(script, Script);
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(input));
        try
        {
            var (code, output) = await RunAsync("node", folder, script, file);
            if (code != 0) throw new InvalidOperationException($"node failed ({code}): {output}");
            return JsonSerializer.Deserialize<string[]>(output.Trim().Split('\n')[^1])!;
        }
        finally { File.Delete(file); }
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string directory, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(true); throw new TimeoutException($"{program} {string.Join(' ', args)} took more than 3 minutes"); }
        return (process.ExitCode, await stdout + await stderr);
    }
}
