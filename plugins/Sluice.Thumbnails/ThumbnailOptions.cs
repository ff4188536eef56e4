using Sluice.Abstractions.Configuration;

namespace Sluice.Thumbnails;

/// <summary>
/// <c>thumbnails;</c> or <c>thumbnails interval=5s width=640;</c>: a JPEG every <see cref="Interval"/> (the first
/// keyframe after it), scaled down to at most <see cref="Width"/> pixels wide (0: the source's size).
/// </summary>
internal sealed record ThumbnailOptions(TimeSpan Interval, int Width)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);
    public const int DefaultWidth = 640;
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Reads the directive's <c>key=value</c> words, reporting each problem at its own location; null when any.</summary>
    public static ThumbnailOptions? Bind(ConfigDirective directive, IConfigDiagnostics diag)
    {
        var interval = DefaultInterval;
        var width = DefaultWidth;
        var ok = true;
        foreach (var a in directive.Arguments)
        {
            var value = a.Values.Count == 1 ? a.Values[0] : a.Value;
            switch (a.IsKeyValue ? a.Key : null)
            {
                case "interval":
                    if (ConfigValues.TryParseDuration(value, out var d) && d >= MinInterval) interval = d;
                    else { diag.Error(a.Location, $"'thumbnails' interval expects a duration of at least 500ms (5, 10s, 1m), got '{value}'"); ok = false; }
                    break;
                case "width":
                    if (ConfigValues.TryParseInt(value, out var w) && w is 0 or (>= 16 and <= 7680)) width = w;
                    else { diag.Error(a.Location, $"'thumbnails' width expects 0 (the source's size) or 16 to 7680 pixels, got '{value}'"); ok = false; }
                    break;
                default:
                    diag.Error(a.Location, $"'thumbnails' expects interval=DURATION and width=PIXELS, got '{a.Text}'");
                    ok = false;
                    break;
            }
        }
        return ok ? new ThumbnailOptions(interval, width) : null;
    }
}
