using Sluice.Sinks.Common;

namespace Sluice.Sinks.Common.Tests;

public sealed class ScriptSourceTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_text_is_read_again_only_when_the_file_changed()
    {
        var path = _dir.File("s.lua");
        File.WriteAllText(path, "one");
        var source = new ScriptSource(path);
        source.Refresh();
        Assert.Equal(("one", 1), (source.Text, source.Version));
        source.Refresh();
        Assert.Equal(1, source.Version);

        File.WriteAllText(path, "two, longer");
        source.Refresh();
        Assert.Equal(("two, longer", 2), (source.Text, source.Version));

        File.WriteAllText(path, "three, same");   // same length: the modification time tells
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        source.Refresh();
        Assert.Equal(("three, same", 3), (source.Text, source.Version));
    }

    [Fact]
    public void A_missing_file_throws_a_file_not_found_naming_it()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new ScriptSource(_dir.File("gone.js")).Refresh());
        Assert.Contains("gone.js", e.Message);
    }
}
