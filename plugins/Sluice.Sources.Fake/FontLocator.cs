namespace Sluice.Sources.Fake;

/// <summary>
/// A font for drawtext. Debian's ffmpeg pulls fontconfig-config, which depends on fonts-dejavu-core
/// (first alternative), so DejaVu is normally there; without any font the picture goes without text
/// (testsrc2 still moves and shows a frame counter).
/// </summary>
internal static class FontLocator
{
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
        "/usr/share/fonts/truetype/freefont/FreeMono.ttf",
        "/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf",
    ];

    public static string? Find() => Candidates.FirstOrDefault(File.Exists);
}
