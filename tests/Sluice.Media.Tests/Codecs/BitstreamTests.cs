using Sluice.Media.Codecs;

namespace Sluice.Media.Tests.Codecs;

public sealed class BitstreamTests
{
    [Fact]
    public void BitReader_Should_DecodeExpGolombCodes_When_ReadingUeAndSe()
    {
        // ue: 1 -> 0, 010 -> 1, 011 -> 2, 00100 -> 3; se: 010 -> +1, 011 -> -1
        // bits: 1 010 011 00100 010 011 (+ padding) = 1010 0110 0100 0100 11xx
        var reader = new BitReader([0b1010_0110, 0b0100_0100, 0b1100_0000]);
        Assert.Equal(0u, reader.ReadUe());
        Assert.Equal(1u, reader.ReadUe());
        Assert.Equal(2u, reader.ReadUe());
        Assert.Equal(3u, reader.ReadUe());
        Assert.Equal(1, reader.ReadSe());
        Assert.Equal(-1, reader.ReadSe());
        Assert.False(reader.Overrun);
    }

    [Fact]
    public void BitReader_Should_FlagOverrunInsteadOfThrowing_When_ReadingPastTheEnd()
    {
        var reader = new BitReader([0x00, 0x00]);
        Assert.Equal(0u, reader.ReadUe());
        Assert.True(reader.Overrun);
    }

    [Fact]
    public void RemoveEmulationPrevention_Should_DropThe03AfterTwoZeros()
    {
        byte[] escaped = [0x67, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x03];
        var output = new byte[escaped.Length];
        var length = NalUnits.RemoveEmulationPrevention(escaped, output);
        Assert.Equal(new byte[] { 0x67, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03 }, output[..length]);
    }

    [Fact]
    public void TryFindNext_Should_SplitAnnexBIntoUnits_When_StartCodesHaveThreeOrFourBytes()
    {
        byte[] stream = [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x65, 0x88, 0x80];
        var units = new List<byte[]>();
        var offset = 0;
        while (NalUnits.TryFindNext(stream, ref offset, out var start, out var length)) units.Add(stream.AsSpan(start, length).ToArray());
        Assert.Equal([[0x09, 0xF0], [0x67, 0x42], [0x65, 0x88, 0x80]], units);
    }

    [Fact]
    public void H264SpsParser_Should_RejectGarbage_When_TheUnitIsNotAnSps()
    {
        Assert.False(H264SpsParser.TryParse([0x65, 1, 2, 3, 4], out _));
        Assert.False(H264SpsParser.TryParse([0x67, 0xFF, 0xFF, 0xFF, 0xFF], out _));
        Assert.False(H265SpsParser.TryParse(new byte[20], out _));
    }
}
