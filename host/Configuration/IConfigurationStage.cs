using Sluice.Abstractions.Configuration;

namespace Sluice.Host.Configuration;

/// <summary>
/// A part of the host that turns the configuration into runtime objects (notify blocks and their sinks,
/// streams and their features, protocol listeners, the server's own options) in two steps, so that the
/// <c>ConfigurationCoordinator</c> applies a configuration whole or not at all: every stage prepares
/// (builds what is new, touching nothing that runs), and only when none reported an error do they all
/// commit (switch over); otherwise every prepared change is discarded and what runs stays.
/// Prepare and commit are called one configuration at a time, by the coordinator only.
/// </summary>
internal interface IConfigurationStage
{
    /// <summary>Names the stage in errors and logs: <c>notify</c>, <c>streams</c>, <c>protocols</c>, <c>server</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Builds every new runtime object <paramref name="configuration"/> needs, with the contributions loaded now.
    /// Reports what could not be built in <see cref="IStagedChange.Errors"/>; never throws for bad input.
    /// </summary>
    Task<IStagedChange> PrepareAsync(SluiceConfiguration configuration, CancellationToken cancellationToken);
}

/// <summary>What one stage prepared: committed, or disposed without commit (discarded: what it built is disposed).</summary>
internal interface IStagedChange : IAsyncDisposable
{
    /// <summary>One line per component that could not be built, e.g. <c>notify pager: creating sink 'x' failed: ...</c>.</summary>
    IReadOnlyList<string> Errors { get; }

    /// <summary>Switches over to what was prepared; a failure here is logged by the stage, never thrown for bad input.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>The running host's reload (SIGHUP, <c>POST /api/v1/config/reload</c>).</summary>
internal interface IConfigurationReloader
{
    Task<ConfigApplyResult> ReloadAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The outcome of loading and applying a configuration: the load's diagnostics, and, for a configuration that
/// loaded, the components that could not be built (then nothing was applied). <see cref="Applied"/> only when all applied.
/// </summary>
internal sealed record ConfigApplyResult(ConfigLoadResult Load, IReadOnlyList<string> ApplyErrors)
{
    public bool Applied => Load.Succeeded && ApplyErrors.Count == 0;

    /// <summary>Every error as one line: the load's at FILE:LINE:COL, then the components'.</summary>
    public IEnumerable<string> Errors => Load.Errors.Select(d => d.ToString()).Concat(ApplyErrors);

    public IEnumerable<string> Warnings => Load.Warnings.Select(d => d.ToString());
}

/// <summary>A staged change made of its commit and its discard (what a stage built is captured by them).</summary>
internal sealed class StagedChange(Func<CancellationToken, Task> commit, Func<ValueTask>? discard = null, IReadOnlyList<string>? errors = null)
    : IStagedChange
{
    private int _done;

    public IReadOnlyList<string> Errors { get; } = errors ?? [];

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0) throw new InvalidOperationException("a staged change is committed once");
        return commit(cancellationToken);
    }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _done, 1) == 0 && discard is not null ? discard() : ValueTask.CompletedTask;
}
