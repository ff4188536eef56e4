using Sluice.Media.Codecs;

namespace Sluice.Media.Tests.Codecs;

public sealed class AudioHeaderTests
{
    [Fact]
    public void AacConfig_Should_ReadLcStereo44100_When_GivenTheClassicTwoBytes()
    {
        Assert.True(AacConfig.TryParse([0x12, 0x10], out var config));
        Assert.Equal(new AacConfig(2, 44100, 2), config);
        Assert.Equal(new byte[] { 0x12, 0x10 }, config.ToAudioSpecificConfig());
    }

    [Fact]
    public void AacConfig_Should_RoundTripAnExplicitRate_When_TheRateHasNoIndex()
    {
        var config = new AacConfig(2, 37800, 1);
        Assert.True(AacConfig.TryParse(config.ToAudioSpecificConfig(), out var parsed));
        Assert.Equal(config, parsed);
    }

    [Fact]
    public void AdtsHeader_Should_RoundTrip_When_WrittenAndParsed()
    {
        var header = new byte[7];
        AdtsHeader.Write(header, new AacConfig(2, 48000, 2), payloadLength: 371);
        Assert.True(AdtsHeader.TryParse(header, out var parsed));
        Assert.Equal(new AacConfig(2, 48000, 2), parsed.Config);
        Assert.Equal(378, parsed.FrameLength);
        Assert.Equal(371, parsed.PayloadLength);
        Assert.Equal(1, parsed.RawDataBlocks);
    }

    [Fact]
    public void AdtsHeader_Should_RefuseConfigurationsItCannotExpress()
    {
        Assert.Throws<ArgumentException>(() => AdtsHeader.Write(new byte[7], new AacConfig(2, 37800, 2), 10));
        Assert.Throws<ArgumentException>(() => AdtsHeader.Write(new byte[7], new AacConfig(2, 48000, 2), 9000));
        Assert.False(AdtsHeader.TryParse([0xFF, 0xF1, 0x7C, 0x80, 0, 0, 0], out _)); // rate index 15
    }

    [Fact]
    public void MpegAudioHeader_Should_ComputeFrameLength_When_ParsingAnMp3Header()
    {
        // MPEG-1 layer III, 128 kbps, 44.1 kHz, no padding, joint stereo: 417 bytes, 1152 samples.
        Assert.True(MpegAudioHeader.TryParse([0xFF, 0xFB, 0x90, 0x64], out var header));
        Assert.Equal(new MpegAudioHeader(3, 44100, 2, 417, 1152), header);
        Assert.False(MpegAudioHeader.TryParse([0xFF, 0xFB, 0xF0, 0x64], out _)); // bad bitrate index
    }
}
