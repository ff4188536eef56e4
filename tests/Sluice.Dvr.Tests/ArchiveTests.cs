using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Dvr.Archive;
using Sluice.Dvr.Tests.Support;

namespace Sluice.Dvr.Tests;

/// <summary>The archive on disk: the index rebuilt from file names, crash repair, retention by depth and size.</summary>
public sealed class ArchiveTests(ClipFixture clips) : IClassFixture<ClipFixture>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-05-01T12:30:00Z");

    /// <summary>Writes fragment files of <paramref name="bytes"/> bytes each, every 2 s from <paramref name="fromMs"/>.</summary>
    private static List<Fragment> WriteFragments(string folder, long fromMs, int count, int bytes = 1000)
    {
        var list = new List<Fragment>();
        for (var i = 0; i < count; i++)
        {
            var f = new Fragment(fromMs + i * 2000L, 2000, bytes);
            var path = Path.Combine(folder, f.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, new byte[bytes]);
            list.Add(f);
        }
        return list;
    }

    private static StreamArchive Open(string folder, RetentionPolicy policy, TimeProvider time, CollectingEmitter events) =>
        new("cam", folder, policy, new DvrEvents(events), NullLogger.Instance, time);

    [Fact]
    public async Task The_index_is_rebuilt_from_the_names_alone_and_foreign_files_are_left_alone()
    {
        using var tmp = new TempFolder();
        var folder = Path.Combine(tmp.Path, "cam");
        var start = Now.AddMinutes(-70).ToUnixTimeMilliseconds(); // across two hour folders
        var written = WriteFragments(folder, start, 40);
        WriteFragments(folder, start + 600_000, 5); // a gap of ~8 minutes after the first 40
        File.WriteAllText(Path.Combine(folder, written[0].RelativePath + ".txt"), "operator's note");
        var events = new CollectingEmitter();
        var archive = Open(folder, new RetentionPolicy(TimeSpan.FromDays(1), null), new FakeTimeProvider(Now), events);
        await archive.Ready;

        Assert.Equal(45, archive.Index.Count);
        Assert.Equal(45_000, archive.Index.Bytes);
        Assert.Equal(written.ToArray(), archive.Index.Between(start, start + 80_000));
        Assert.Equal(2, archive.Index.Ranges(1).Count);
        Assert.True(File.Exists(Path.Combine(folder, written[0].RelativePath + ".txt")));
        var indexed = Assert.Single(events.All, e => e.Name == "dvr_archive_indexed");
        Assert.Equal("45", indexed["fragments"]);
    }

    [Fact]
    public async Task A_fragment_cut_short_by_a_crash_is_repaired_and_one_with_nothing_playable_is_dropped()
    {
        using var tmp = new TempFolder();
        var folder = Path.Combine(tmp.Path, "cam");
        var startMs = Now.AddMinutes(-1).ToUnixTimeMilliseconds();
        var blob = Path.Combine(folder, FragmentNames.BlobOf(startMs));
        Directory.CreateDirectory(blob);
        // A 10 s transport stream that stopped in the middle of a packet, 70 % in.
        var clip = await File.ReadAllBytesAsync(clips.Path10s);
        var partPath = Path.Combine(blob, FragmentNames.PartName(startMs));
        await File.WriteAllBytesAsync(partPath, clip.AsSpan(0, clip.Length * 7 / 10 + 100).ToArray());
        var garbage = Path.Combine(blob, FragmentNames.PartName(startMs + 60_000 - 1));
        await File.WriteAllBytesAsync(garbage, new byte[5000]);
        var events = new CollectingEmitter();
        var archive = Open(folder, new RetentionPolicy(TimeSpan.FromDays(1), null), new FakeTimeProvider(Now), events);
        await archive.Ready;

        var repaired = Assert.Single(archive.Index.Between(0, long.MaxValue));
        Assert.Equal(startMs, repaired.StartMs);
        Assert.InRange(repaired.DurationMs, 6000, 7200);
        Assert.Equal(0, repaired.Bytes % 188);
        Assert.False(File.Exists(partPath));
        Assert.False(File.Exists(garbage));
        var probe = await Probe.ReadAsync(archive.PathOf(repaired));
        probe.AssertPlayable("aac", "h264");
        Assert.Equal("", probe.Errors.Trim());
        Assert.InRange(probe.Duration, repaired.DurationMs / 1000.0 - 0.2, repaired.DurationMs / 1000.0 + 0.2);
        var indexed = Assert.Single(events.All, e => e.Name == "dvr_archive_indexed");
        Assert.Equal(("1", "1"), (indexed["repaired"], indexed["dropped"]));
    }

    [Fact]
    public async Task Retention_deletes_what_is_older_than_the_depth_then_the_oldest_over_the_size_and_empty_folders()
    {
        using var tmp = new TempFolder();
        var folder = Path.Combine(tmp.Path, "cam");
        var time = new FakeTimeProvider(Now);
        var start = Now.AddMinutes(-90).ToUnixTimeMilliseconds(); // 10:59:..: four hour folders
        WriteFragments(folder, start, 2700); // 90 minutes of 2 s fragments
        var events = new CollectingEmitter();
        var archive = Open(folder, new RetentionPolicy(TimeSpan.FromHours(1), null), time, events);
        await archive.Ready; // retention runs once at start

        var depth = Assert.Single(events.All, e => e.Name == "dvr_deleted_fragments");
        Assert.Equal("depth", depth["reason"]);
        Assert.Equal("900", depth["count"]);
        Assert.Equal(start.ToString(), depth["from"]);
        Assert.All(archive.Index.Between(0, long.MaxValue), f => Assert.True(f.EndMs > Now.AddHours(-1).ToUnixTimeMilliseconds()));
        Assert.False(Directory.Exists(Path.Combine(folder, "2026/05/01/10"))); // emptied hour folders go

        // The clock moves on: another minute falls out of the depth.
        time.Advance(TimeSpan.FromMinutes(1));
        archive.ApplyRetention();
        Assert.Equal(1800 - 30, archive.Index.Count);

        // A size limit (set by a reload) keeps the newest fragments under it; a playback's hold is respected.
        using (archive.Hold(archive.Index.First!.Value.StartMs + 20_000))
        {
            archive.Policy = archive.Policy with { SizeLimit = 100_000 };
            archive.ApplyRetention();
            Assert.Equal(1770 - 10, archive.Index.Count); // only the 10 fragments before the hold could go
        }
        archive.ApplyRetention();
        Assert.Equal(100, archive.Index.Count);
        Assert.Equal(100_000, archive.Index.Bytes);
        Assert.Equal(100, Directory.EnumerateFiles(folder, "*.ts", SearchOption.AllDirectories).Count());
        Assert.Contains(events.All, e => e.Name == "dvr_deleted_fragments" && e["reason"] == "size");
    }

    [Fact]
    public async Task A_size_given_as_a_share_of_the_disk_deletes_the_oldest_while_a_real_small_disk_is_fuller_than_that()
    {
        using var tmp = new TempFolder();
        var mount = Path.Combine(tmp.Path, "disk");
        Directory.CreateDirectory(mount);
        var mounted = await Tools.RunAsync("mount", TimeSpan.FromSeconds(20), "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount);
        Assert.True(mounted.ExitCode == 0, $"this test mounts a 4 MB tmpfs and needs root: {mounted.StdErr}");
        try
        {
            var folder = Path.Combine(mount, "cam");
            var time = new FakeTimeProvider(Now);
            var written = WriteFragments(folder, Now.AddMinutes(-10).ToUnixTimeMilliseconds(), 30, bytes: 100 * 1024); // 3 MB of the 4
            var disk = new DriveInfo(mount);
            Assert.True(disk.TotalSize - disk.AvailableFreeSpace > disk.TotalSize * 7 / 10, "the disk is over 70 % full before");
            var events = new CollectingEmitter();
            var archive = Open(folder, new RetentionPolicy(TimeSpan.FromDays(1), null, DiskPercent: 50), time, events);
            await archive.Ready; // retention runs once at start

            disk = new DriveInfo(mount);
            Assert.True(disk.TotalSize - disk.AvailableFreeSpace <= disk.TotalSize / 2, $"{disk.TotalSize - disk.AvailableFreeSpace} of {disk.TotalSize} bytes used after");
            Assert.InRange(archive.Index.Count, 18, 20); // not more than needed went
            Assert.Equal(written[^1], archive.Index.Last); // the newest stay
            Assert.Equal(written[30 - archive.Index.Count], archive.Index.First);
            var deleted = Assert.Single(events.All, e => e.Name == "dvr_deleted_fragments");
            Assert.Equal("size", deleted["reason"]);
            Assert.Equal(written[0].StartMs.ToString(), deleted["from"]);

            // Under the share nothing more goes.
            archive.ApplyRetention();
            Assert.Single(events.All, e => e.Name == "dvr_deleted_fragments");
        }
        finally
        {
            await Tools.RunAsync("umount", TimeSpan.FromSeconds(20), "-l", mount);
        }
    }
}
