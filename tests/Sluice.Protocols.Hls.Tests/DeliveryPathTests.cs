using Sluice.Protocols.Hls.Http;

namespace Sluice.Protocols.Hls.Tests;

public sealed class DeliveryPathTests
{
    [Theory]
    [InlineData("cam1/index.m3u8", "cam1", "Playlist", 0)]
    [InlineData("/live/cam1/mono.m3u8", "live/cam1", "Playlist", 0)]
    [InlineData("live/cam1/segment-42.ts", "live/cam1", "Segment", 42)]
    [InlineData("vod/films/a.mp4/mpegts", "vod/films/a.mp4", "MpegTs", 0)]
    public void Delivery_paths_parse_into_name_and_resource(string path, string name, string resource, long sequence)
    {
        Assert.True(DeliveryPath.TryParse(path, out var parsed));
        Assert.Equal(new DeliveryPath(name, Enum.Parse<DeliveryResource>(resource), sequence), parsed);
    }

    [Theory]
    [InlineData("index.m3u8")]
    [InlineData("cam1/index.m3u")]
    [InlineData("cam1/segment-x.ts")]
    [InlineData("cam1/segment--1.ts")]
    [InlineData("vod/../etc/passwd.mp4/index.m3u8")]
    [InlineData("vod/./a.mp4/index.m3u8")]
    [InlineData("vod//a.mp4/index.m3u8")]
    [InlineData("vod/a\\..\\b.mp4/index.m3u8")]
    [InlineData("")]
    public void Other_paths_are_not_delivery_paths(string path) => Assert.False(DeliveryPath.TryParse(path, out _));
}
