namespace Sluice.Thumbnails;

/// <summary>One JPEG of a stream: when it was made and from which keyframe (its presentation time, 90 kHz).</summary>
internal sealed record Thumbnail(byte[] Jpeg, DateTimeOffset MadeAt, long Pts, int Width, int Height)
{
    public string ETag => $"\"{Pts:x}-{MadeAt.ToUnixTimeMilliseconds():x}\"";
}
