using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary><c>sluice check</c> on <c>dvr</c> lines: errors at FILE:LINE:COL, warnings for what may work later or is not supported.</summary>
public sealed class CheckTests
{
    [Fact]
    public async Task Dvr_lines_are_checked_with_their_locations()
    {
        using var folder = new TempFolder();
        var config = folder.File("t.conf");
        await File.WriteAllTextAsync(config, """
            stream a { input fake://a; dvr archive; }
            stream b { input fake://b; dvr archive soon; }
            stream c { input fake://c; dvr archive 2d 500X; }
            stream d { input fake://d; dvr archive 2d 90% replicate=yes; }
            stream e { input fake://e; dvr /proc/sluice-cannot-write 2d; }
            stream f { input fake://f; dvr archive 2d 10G extra; }
            stream g { input fake://g; dvr archive 6h 500G; }
            stream h { input fake://h; dvr archive 2d 150%; }
            stream i { input fake://i; dvr archive 2d replicat=yes; }
            stream j { input fake://j; dvr archive 7d replicate copy=/opt/movies; }
            stream k { input fake://k; dvr @main 2d; }
            stream l { input fake://l; dvr archive 2d 90%; }
            """);
        var r = await Tools.RunAsync(HostProcess.Executable, TimeSpan.FromSeconds(60), "check", "-c", config);
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace(config, "t.conf")).ToArray();
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("t.conf:1:28: 'dvr' expects a depth after the folder: dvr PATH DEPTH [SIZE], e.g. dvr archive 2d;", lines);
        Assert.Contains(lines, l => l.StartsWith("t.conf:2:40: 'dvr' expects a depth (how long the archive is kept) (a duration"));
        Assert.Contains(lines, l => l.StartsWith("t.conf:3:43: 'dvr' expects a size limit of the stream's archive (a size such as 500M, 10G), got '500X'"));
        Assert.DoesNotContain(lines, l => l.StartsWith("t.conf:4:43")); // a share of the disk is a size
        Assert.Contains(lines, l => l.StartsWith("t.conf:4:47: warning: 'dvr' option 'replicate' is not supported"));
        Assert.Contains(lines, l => l.StartsWith("t.conf:5:32: warning: 'dvr' folder /proc/sluice-cannot-write cannot be written now"));
        Assert.Contains(lines, l => l.StartsWith("t.conf:6:47: 'dvr' takes at most a folder, a depth and a size"));
        Assert.DoesNotContain(lines, l => l.StartsWith("t.conf:7:"));
        Assert.Contains("t.conf:8:43: 'dvr' expects a share of the disk from 1% to 99% (e.g. 90%), got '150%'", lines);
        Assert.Contains(lines, l => l.StartsWith("t.conf:9:43: 'dvr' has no option 'replicat'; did you mean 'replicate'?"));
        Assert.Contains("t.conf:10:43: warning: 'dvr' option 'replicate' is not supported by this build; ignored", lines);
        Assert.Contains("t.conf:10:53: warning: 'dvr' option 'copy' is not supported by this build; ignored", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("t.conf:10:") && !l.Contains("warning"));
        Assert.Contains(lines, l => l.StartsWith("t.conf:11:32: 'dvr' with a named storage (dvr @NAME) is not supported"));
        Assert.DoesNotContain(lines, l => l.StartsWith("t.conf:12:"));
        Assert.False(Directory.Exists(folder.File("archive")), "check creates nothing");
    }
}
