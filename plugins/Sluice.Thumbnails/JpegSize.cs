namespace Sluice.Thumbnails;

/// <summary>The picture size of a baseline or progressive JPEG, from its start-of-frame marker.</summary>
internal static class JpegSize
{
    public static (int Width, int Height) Of(ReadOnlySpan<byte> jpeg)
    {
        var i = 2; // after SOI
        while (i + 9 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF) { i++; continue; }
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            i += 2 + length;
        }
        return (0, 0);
    }
}
