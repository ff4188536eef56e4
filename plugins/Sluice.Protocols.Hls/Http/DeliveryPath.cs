using System.Globalization;

namespace Sluice.Protocols.Hls.Http;

/// <summary>What a delivery URL asks for.</summary>
internal enum DeliveryResource { Playlist, Segment, MpegTs }

/// <summary>
/// A parsed delivery path <c>NAME/index.m3u8</c>, <c>NAME/mono.m3u8</c>, <c>NAME/segment-N.ts</c> or
/// <c>NAME/mpegts</c>; NAME may hold slashes (<c>live/cam1</c>, <c>vod/films/a.mp4</c>) but no empty,
/// <c>.</c> or <c>..</c> components.
/// </summary>
internal readonly record struct DeliveryPath(string Name, DeliveryResource Resource, long Sequence)
{
    public static bool TryParse(string? path, out DeliveryPath parsed)
    {
        parsed = default;
        if (string.IsNullOrEmpty(path)) return false;
        path = path.TrimStart('/');
        var slash = path.LastIndexOf('/');
        if (slash <= 0) return false;
        var name = path[..slash];
        var file = path.AsSpan(slash + 1);
        if (!ValidName(name)) return false;

        if (file is "index.m3u8" or "mono.m3u8")
        {
            parsed = new DeliveryPath(name, DeliveryResource.Playlist, 0);
            return true;
        }
        if (file is "mpegts")
        {
            parsed = new DeliveryPath(name, DeliveryResource.MpegTs, 0);
            return true;
        }
        if (file.StartsWith("segment-") && file.EndsWith(".ts")
            && long.TryParse(file["segment-".Length..^".ts".Length], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            parsed = new DeliveryPath(name, DeliveryResource.Segment, sequence);
            return true;
        }
        return false;
    }

    /// <summary>The first component and the rest (<c>vod</c>, <c>films/a.mp4</c>).</summary>
    public (string Prefix, string Relative) SplitPrefix()
    {
        var slash = Name.IndexOf('/');
        return slash < 0 ? (Name, "") : (Name[..slash], Name[(slash + 1)..]);
    }

    private static bool ValidName(string name)
    {
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == ".." || part.Contains('\\') || part.Contains('\0')) return false;
        }
        return true;
    }
}
