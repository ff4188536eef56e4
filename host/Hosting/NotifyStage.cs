using Sluice.Abstractions.Configuration;
using Sluice.Host.Configuration;
using Sluice.Host.Notify;

namespace Sluice.Host.Hosting;

/// <summary>The notify blocks as a configuration stage: the router builds the new sinks, then switches to them.</summary>
internal sealed class NotifyStage(EventRouter router) : IConfigurationStage
{
    public string Name => "notify";

    public async Task<IStagedChange> PrepareAsync(SluiceConfiguration configuration, CancellationToken cancellationToken)
    {
        var change = await router.PrepareAsync(configuration.Get<NotifyOptions>() ?? NotifyOptions.Empty, configuration.Directory, cancellationToken);
        return new StagedChange(ct => router.CommitAsync(change, ct), change.DiscardAsync, change.Errors);
    }
}
