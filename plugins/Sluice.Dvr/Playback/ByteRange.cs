using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;

namespace Sluice.Dvr.Playback;

/// <summary>
/// One <c>Range: bytes=...</c> of a request (RFC 9110 §14): <c>FROM-</c>, <c>FROM-TO</c> or the suffix <c>-N</c>.
/// Ignored (null: the whole file) when absent, malformed, of several ranges, or when <c>If-Range</c> names
/// another version than <paramref name="tag"/>, as the RFC allows.
/// </summary>
internal readonly record struct ByteRange(long? From, long? To)
{
    public static ByteRange? Parse(HttpRequest request, string tag)
    {
        if (!request.Headers.ContainsKey("Range")) return null;
        if (request.Headers.IfRange.Count > 0 && request.Headers.IfRange.ToString() != tag) return null;
        var header = new RequestHeaders(request.Headers).Range;
        if (header is null || !string.Equals(header.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || header.Ranges.Count != 1) return null;
        var item = header.Ranges.First();
        return new ByteRange(item.From, item.To);
    }

    /// <summary>The first and last byte (inclusive) in a file of <paramref name="length"/> bytes; false when the range is unsatisfiable (416).</summary>
    public bool Resolve(long length, out long first, out long last)
    {
        first = 0;
        last = length - 1;
        if (From is { } from)
        {
            if (from >= length) return false;
            first = from;
            if (To is { } to) last = Math.Min(to, length - 1);
            return true;
        }
        if (To is not { } suffix || suffix <= 0 || length == 0) return false;
        first = Math.Max(0, length - suffix);
        return true;
    }
}
