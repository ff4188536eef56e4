namespace Sluice.Abstractions.Configuration;

/// <summary>
/// The owner of some top-level directives. It binds them, as written, into its typed options and
/// reports every problem through <see cref="ConfigBindContext.Diagnostics"/>.
/// </summary>
public interface IConfigSection
{
    /// <summary>The top-level directives this section owns.</summary>
    IReadOnlyList<DirectiveSpec> Directives { get; }

    /// <summary>
    /// Binds the section. <paramref name="directives"/> holds every top-level directive it owns, in
    /// file order (empty when none is written, so defaults still apply). Returns the options object
    /// that components read with <see cref="SluiceConfiguration.Get{T}"/>.
    /// </summary>
    object Bind(IReadOnlyList<ConfigDirective> directives, ConfigBindContext context);
}

/// <summary>What a section may use while binding.</summary>
public sealed class ConfigBindContext(IConfigDiagnostics diagnostics, string configDirectory, IServiceProvider services)
{
    public IConfigDiagnostics Diagnostics { get; } = diagnostics;

    /// <summary>Folder of the main configuration file: relative paths are relative to it.</summary>
    public string ConfigDirectory { get; } = configDirectory;

    /// <summary>Host services (e.g. the registered sink types, to validate a sink spec).</summary>
    public IServiceProvider Services { get; } = services;
}
