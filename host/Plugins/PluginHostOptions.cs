using Sluice.Abstractions.Plugins;

namespace Sluice.Host.Plugins;

/// <summary>Where plugins live and how the host watches and unloads them.</summary>
internal sealed class PluginHostOptions
{
    /// <summary><c>plugins_dir</c>: one sub-folder per plugin.</summary>
    public string PluginsDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Quiet period after the last file-system event before the folder is rescanned.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A changed folder is loaded once its files stayed the same this long (a copy may still be running).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Fallback rescan comparing file stamps, for file systems whose events get lost.</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an unloaded context may take to be collected before a warning is logged.</summary>
    public TimeSpan CollectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time given to a plugin's services to stop.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What plugins take from the host rather than their own folder.</summary>
    public SharedAssemblyPolicy SharedAssemblies { get; init; } = SharedAssemblyPolicy.Default;

    /// <summary>Root of this process's shadow copies (deleted on dispose).</summary>
    public string ShadowRoot { get; init; } =
        Path.Combine(Path.GetTempPath(), "sluice-shadow", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
