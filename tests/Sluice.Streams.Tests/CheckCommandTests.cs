using Sluice.Host.Cli;
using Sluice.Host.Configuration;
using Sluice.Host.Hosting;

namespace Sluice.Streams.Tests;

public sealed class CheckCommandTests
{
    [Fact]
    public async Task Sluice_check_validates_streams_with_the_plugins_of_plugins_dir()
    {
        using var dir = new TempDir();
        var plugins = Directory.CreateDirectory(Path.Combine(dir.Path, "plugins")).FullName;
        var config = Path.Combine(dir.Path, "sluice.conf");
        await File.WriteAllTextAsync(config, $"plugins_dir {plugins};\nlive pub;\nstream studio {{ input publish://; }}\nstream cam {{\n  input fake://fake;\n}}\n");
        await using var host = await OfflineHost.StartAsync(new ConfigSource(config), CancellationToken.None);
        var result = host.Load();
        Assert.Equal([$"{config}:5:9: no source reads 'fake://' inputs (no source plugin is loaded)"], result.Diagnostics.Select(d => d.ToString()));
    }
}
