using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Host.Api.Answers;
using Sluice.Host.Plugins;

namespace Sluice.Host.Api;

/// <summary>
/// The plugin changes since the host started (added, replaced, removed; applied or rolled back; whether the
/// old version was proven collected), the last <see cref="Capacity"/> of them, for the API and the dashboard.
/// </summary>
internal sealed class PluginHistory : IDisposable
{
    public const int Capacity = 100;

    private readonly PluginManager _plugins;
    private readonly TimeProvider _time;
    private readonly Queue<PluginChangeAnswer> _changes = new();

    public PluginHistory(PluginManager plugins, TimeProvider time)
    {
        _plugins = plugins;
        _time = time;
        plugins.ChangeCompleted += Record;
    }

    public IReadOnlyList<PluginChangeAnswer> Changes
    {
        get { lock (_changes) return _changes.ToArray(); }
    }

    private void Record(PluginChangeOutcome outcome)
    {
        var c = outcome.Change;
        var entry = new PluginChangeAnswer(_time.GetUtcNow(), c.Kind.ToString().ToLowerInvariant(), c.Name, c.Old?.Version, c.New?.Version,
            outcome.Applied, outcome.Error, outcome.OldCollected);
        lock (_changes)
        {
            _changes.Enqueue(entry);
            while (_changes.Count > Capacity) _changes.Dequeue();
        }
    }

    public void Dispose() => _plugins.ChangeCompleted -= Record;
}

internal static class PluginHistoryApi
{
    public static RouteHandlerBuilder MapPluginHistory(this IEndpointRouteBuilder api, PluginHistory history) =>
        api.MapGet("/api/v1/plugins/history", () => TypedResults.Ok(new PluginHistoryAnswer(history.Changes)))
            .WithSummary($"The last {PluginHistory.Capacity} plugin changes since the server started (swaps, additions, removals)");
}
