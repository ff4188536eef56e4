using System.Buffers;
using Sluice.Media.Amf;

namespace Sluice.Media.Tests.Flv;

/// <summary>AMF from a peer is untrusted: round trips, and mutated input only ever throws AmfException.</summary>
public sealed class AmfFuzzTests
{
    private static byte[] Connect()
    {
        var output = new ArrayBufferWriter<byte>();
        var w = new AmfWriter(output);
        w.WriteString("connect");
        w.WriteNumber(1);
        w.WriteObject(new AmfObject().Set("app", "live").Set("flashVer", "FMLE/3.0 (compatible; Lavf59.27.100)")
            .Set("tcUrl", "rtmp://127.0.0.1:1935/live").Set("fpad", false).Set("capabilities", 15.0).Set("objectEncoding", 0.0)
            .Set("fourCcList", new object?[] { "hvc1", "av01" }).Set("nested", new AmfObject().Set("x", null)));
        w.WriteNull();
        w.WriteUndefined();
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_connect_command_round_trips()
    {
        var values = new AmfReader(Connect()).ReadAll();
        Assert.Equal("connect", values[0]);
        Assert.Equal(1.0, values[1]);
        var o = Assert.IsType<AmfObject>(values[2]);
        Assert.Equal(("live", 15.0), (o.String("app"), o.Number("capabilities")));
        Assert.Equal(new object?[] { "hvc1", "av01" }, o["fourCcList"]);
        Assert.Null(values[3]);
    }

    [Fact]
    public void Twenty_thousand_mutations_of_a_command_parse_or_throw_AmfException_only()
    {
        var original = Connect();
        var random = new Random(11);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var data = (byte[])original.Clone();
            for (var k = random.Next(1, 6); k > 0; k--) data[random.Next(data.Length)] = (byte)random.Next(256);
            if (i % 4 == 0) data = data[..random.Next(data.Length)];
            try
            {
                new AmfReader(data).ReadAll();
                parsed++;
            }
            catch (AmfException) { }
        }
        Assert.InRange(parsed, 1, 19_999); // some survive, some do not: both paths ran
    }

    [Fact]
    public void Deep_nesting_and_huge_declared_lengths_are_refused()
    {
        var deep = new byte[4000];
        Array.Fill(deep, Amf0Marker.StrictArray); // strict arrays of one element, nested 800 deep
        for (var i = 0; i + 5 <= deep.Length; i += 5) { deep[i] = Amf0Marker.StrictArray; deep[i + 1] = 0; deep[i + 2] = 0; deep[i + 3] = 0; deep[i + 4] = 1; }
        Assert.Throws<AmfException>(() => new AmfReader(deep).ReadAll());
        byte[] longString = [Amf0Marker.LongString, 0x7F, 0xFF, 0xFF, 0xFF, (byte)'x'];
        Assert.Throws<AmfException>(() => new AmfReader(longString).ReadAll());
        byte[] bigArray = [Amf0Marker.StrictArray, 0x7F, 0xFF, 0xFF, 0xFF];
        Assert.Throws<AmfException>(() => new AmfReader(bigArray).ReadAll());
    }
}
