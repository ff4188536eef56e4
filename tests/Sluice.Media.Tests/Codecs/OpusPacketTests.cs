using Sluice.Media.Codecs;

namespace Sluice.Media.Tests.Codecs;

public sealed class OpusPacketTests
{
    [Theory]
    [InlineData(0xFC, 960)]   // CELT fullband 20 ms, one frame
    [InlineData(0xF0, 480)]   // CELT 10 ms
    [InlineData(0x18, 2880)]  // SILK 60 ms
    [InlineData(0xFD, 1920)]  // CELT 20 ms, two frames
    public void SamplesIn_Should_ReadTheDurationFromTheTocByte(byte toc, int samples) =>
        Assert.Equal(samples, OpusPacket.SamplesIn([toc, 0x00, 0x00]));

    [Theory]
    [InlineData(1)]
    [InlineData(254)]
    [InlineData(255)]
    [InlineData(600)]
    public void ControlHeader_Should_RoundTrip_When_PacketSizesNeedSeveralSizeBytes(int size)
    {
        var header = new byte[OpusPacket.ControlHeaderLength(size)];
        Assert.Equal(header.Length, OpusPacket.WriteControlHeader(header, size));
        Assert.True(OpusPacket.TryParseControlHeader([.. header, 0xFC], out var length, out var parsed));
        Assert.Equal((header.Length, size), (length, parsed));
    }

    [Fact]
    public void ControlHeader_Should_SkipTrims_When_FfmpegWritesAStartTrim()
    {
        // 7f f0: start_trim_flag; ff 2d: 300 bytes; 01 38: trim of 312 samples.
        Assert.True(OpusPacket.TryParseControlHeader([0x7F, 0xF0, 0xFF, 0x2D, 0x01, 0x38, 0xFC], out var length, out var size));
        Assert.Equal((6, 300), (length, size));
        Assert.False(OpusPacket.TryParseControlHeader([0x7F, 0x00, 0x10], out _, out _));
    }
}
