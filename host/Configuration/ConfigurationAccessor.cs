using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Configuration;

/// <summary>The configuration in force (the last one that fully applied), swapped whole by the coordinator.</summary>
internal sealed class ConfigurationAccessor : IConfigurationAccessor
{
    private volatile SluiceConfiguration? _current;

    public SluiceConfiguration Current => _current ?? throw new InvalidOperationException("no configuration applied yet");

    public bool HasValue => _current is not null;

    public void Set(SluiceConfiguration configuration) => _current = configuration;
}
