using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Sinks;
using Sluice.Host.Notify;
using Sluice.Host.Plugins;

namespace Sluice.Notify.Tests.Support;

/// <summary>Plugin contributions a test controls: swap a factory to imitate a plugin hot swap.</summary>
internal sealed class TestContributions(params IEventSinkFactory[] factories) : IPluginContributions, IServiceProvider
{
    public volatile IEventSinkFactory[] Factories = factories;

    public IReadOnlyList<T> All<T>() where T : class =>
        typeof(T) == typeof(IEventSinkFactory) ? (IReadOnlyList<T>)(object)Factories : [];

    public object? GetService(Type serviceType) => serviceType == typeof(IPluginContributions) ? this : null;
}

/// <summary>What binding reported, as the lines <c>sluice check</c> prints (<c>FILE:LINE:COL: message</c>).</summary>
internal sealed record Reported(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public static Reported From(DiagnosticList list) =>
        new(list.Errors.Select(d => d.ToString()).ToArray(), list.Warnings.Select(d => $"{d.Location}: {d.Message}").ToArray());
}

internal static class Conf
{
    /// <summary>Binds notify blocks from configuration text the way the loader will.</summary>
    public static (NotifyOptions Options, Reported Diagnostics) Bind(string text, TestContributions contributions)
    {
        var diag = new DiagnosticList();
        var section = new NotifyConfigSection();
        var names = section.Directives.Select(d => d.Name).ToHashSet();
        var mine = ConfText.Parse(text).Where(d => names.Contains(d.Name)).ToArray();
        var options = (NotifyOptions)section.Bind(mine, new ConfigBindContext(diag, "/tmp", contributions));
        return (options, Reported.From(diag));
    }

    /// <summary>Binds and asserts the configuration is valid.</summary>
    public static NotifyOptions Valid(string text, TestContributions contributions)
    {
        var (options, diag) = Bind(text, contributions);
        Assert.Empty(diag.Errors);
        return options;
    }

    public static async Task WaitUntil(Func<bool> condition, int timeoutMs = 10_000, string? what = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) Assert.Fail($"timed out waiting for {what ?? "condition"}");
            await Task.Delay(5);
        }
    }
}
