using System.Reflection;
using System.Runtime.CompilerServices;
using PublicApiGenerator;
using Sluice.Abstractions;
using Sluice.Media.MpegTs;

namespace Sluice.PublicApi.Tests;

/// <summary>
/// The public surface of every package plugin authors compile against, locked: a change to a contract
/// shows up as a diff of the <c>*.approved.txt</c> file beside this test (the test writes
/// <c>*.received.txt</c> there when they differ; review it, then copy it over the approved file).
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Sluice_Abstractions_public_api_matches_the_approved_listing() => Verify(typeof(AbstractionsInfo).Assembly);

    [Fact]
    public void Sluice_Media_public_api_matches_the_approved_listing() => Verify(typeof(TsDemuxer).Assembly);

    [Fact]
    public void Sluice_Testing_public_api_matches_the_approved_listing() => Verify(typeof(Sluice.Testing.PluginFolder).Assembly);

    [Fact]
    public void The_packages_carry_the_major_version_plugins_are_checked_against()
    {
        Assert.Equal(2, typeof(AbstractionsInfo).Assembly.GetName().Version!.Major);
        Assert.Equal(2, typeof(TsDemuxer).Assembly.GetName().Version!.Major);
        Assert.Equal(2, typeof(Sluice.Testing.PluginFolder).Assembly.GetName().Version!.Major);
    }

    private static void Verify(Assembly assembly, [CallerFilePath] string here = "")
    {
        var options = new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
        };
        var actual = assembly.GeneratePublicApi(options).ReplaceLineEndings("\n");
        var folder = Path.GetDirectoryName(here)!;
        var name = assembly.GetName().Name;
        var approvedPath = Path.Combine(folder, $"{name}.approved.txt");
        var receivedPath = Path.Combine(folder, $"{name}.received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        Assert.Fail($"the public API of {name} changed: compare {receivedPath} with {approvedPath} and, if the change is intended, copy it over (a removal or change is a new major version)");
    }
}
