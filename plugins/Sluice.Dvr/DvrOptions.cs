using Sluice.Abstractions.Configuration;
using Sluice.Abstractions.Streams;
using Sluice.Host.Configuration;

namespace Sluice.Dvr;

/// <summary>
/// One <c>dvr PATH DEPTH [SIZE] [OPTION=VALUE ...];</c> directive as bound: <see cref="Root"/> is PATH made
/// absolute (relative to the configuration's folder), <see cref="Depth"/> how long fragments are kept,
/// <see cref="SizeLimit"/> how many bytes the stream's archive may take, <see cref="DiskPercent"/> SIZE given as
/// a share of the disk (<c>90%</c>: the oldest fragments go while the disk holding PATH is fuller than that).
/// Flussonic's other <c>dvr</c> options (<see cref="FlussonicOptions"/>) are known and reported as not
/// supported; an unknown one is an error.
/// </summary>
internal sealed record DvrOptions(string Root, TimeSpan Depth, long? SizeLimit, int? DiskPercent = null)
{
    public const string Usage = "dvr PATH DEPTH [SIZE]";

    /// <summary>Flussonic's <c>dvr</c> options (its DVR documentation) this build knows and does not apply: <c>copy=</c> (a second storage), <c>replicate</c>, <c>replication_port=</c> (between servers).</summary>
    public static readonly string[] FlussonicOptions = ["copy", "replicate", "replication_port"];

    public static readonly DirectiveSpec Spec = new("dvr", Usage, 1, int.MaxValue) { Repeatable = false };

    /// <summary>Reads the directive, reporting every problem at its argument; null when it has an error.</summary>
    public static DvrOptions? Bind(StreamFeatureContext context)
    {
        var d = context.Directive;
        var diag = context.Diagnostics;
        var positional = d.Arguments.Where(a => a.Key is null).ToArray();
        var ok = true;
        foreach (var option in d.Arguments.Where(a => a.Key is not null))
        {
            if (FlussonicOptions.Contains(option.Key)) diag.Warning(option.Location, $"'dvr' option '{option.Key}' is not supported by this build; ignored");
            else
            {
                diag.Error(option.Location, $"'dvr' has no option '{option.Key}'" + DidYouMean.Hint(option.Key!, FlussonicOptions) + $" (it takes {Usage})");
                ok = false;
            }
        }
        // Flussonic's bare flag (dvr /storage 7d replicate;) anywhere after the folder.
        foreach (var flag in positional.Skip(1).Where(a => a.Value == "replicate"))
            diag.Warning(flag.Location, "'dvr' option 'replicate' is not supported by this build; ignored");
        positional = [.. positional.Where((a, i) => i == 0 || a.Value != "replicate")];
        if (positional.Length == 0)
        {
            diag.Error(d.Location, $"'dvr' expects a folder and a depth: {Usage}, e.g. dvr /storage 2d 500G;");
            return null;
        }
        var pathText = positional[0].Value;
        if (pathText.StartsWith('@'))
        {
            diag.Error(positional[0].Location, "'dvr' with a named storage (dvr @NAME) is not supported by this build; give a folder: " + Usage);
            return null;
        }
        if (positional.Length < 2)
        {
            diag.Error(d.Location, $"'dvr' expects a depth after the folder: {Usage}, e.g. dvr {pathText} 2d;");
            return null;
        }
        var at = Array.IndexOf(d.Arguments.ToArray(), positional[1]);
        var depth = d.PositiveDuration(diag, at, "a depth (how long the archive is kept)");
        long? size = null;
        int? percent = null;
        ok &= depth is not null;
        if (positional.Length >= 3)
        {
            var sizeArg = positional[2];
            if (sizeArg.Value.EndsWith('%'))
            {
                if (int.TryParse(sizeArg.Value.AsSpan(0, sizeArg.Value.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 99)
                    percent = p;
                else
                {
                    diag.Error(sizeArg.Location, $"'dvr' expects a share of the disk from 1% to 99% (e.g. 90%), got '{sizeArg.Value}'");
                    ok = false;
                }
            }
            else if (d.Size(diag, Array.IndexOf(d.Arguments.ToArray(), sizeArg), "a size limit of the stream's archive") is { } s)
            {
                if (s <= 0)
                {
                    diag.Error(sizeArg.Location, $"'dvr' size limit must be larger than zero, got '{sizeArg.Value}'");
                    ok = false;
                }
                else size = s;
            }
            else ok = false;
        }
        foreach (var extra in positional.Skip(3))
        {
            diag.Error(extra.Location, $"'dvr' takes at most a folder, a depth and a size ({Usage}); unexpected '{extra.Value}'");
            ok = false;
        }
        if (!ok) return null;
        var root = Path.GetFullPath(Path.Combine(context.ConfigDirectory, pathText));
        return new DvrOptions(root, depth!.Value, size, percent);
    }

    /// <summary>A warning (not an error: storage may be mounted later) when the folder cannot be written now.</summary>
    public void CheckWritable(StreamFeatureContext context)
    {
        var existing = Root;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null || parent == existing) return;
            existing = parent;
        }
        try
        {
            var probe = Path.Combine(existing, $".sluice-dvr-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Diagnostics.Warning(context.Directive.Arguments[0].Location,
                $"'dvr' folder {Root} cannot be written now ({existing}: {e.Message}); recording will fail until it can");
        }
    }
}
