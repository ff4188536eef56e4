using Sluice.Media.Amf;
using Sluice.Protocols.Rtmp.Wire;

namespace Sluice.Protocols.Rtmp.Commands;

/// <summary>
/// A command message (RTMP 1.0, 7.2): name, transaction id, command object, then the arguments.
/// AMF3 command messages (type 17) are AMF0 behind a leading zero byte, with AMF3 values reached
/// through the avmplus marker. Malformed AMF throws <see cref="RtmpProtocolException"/>.
/// </summary>
internal sealed record Command(string Name, double TransactionId, AmfObject? Object, IReadOnlyList<object?> Arguments)
{
    public static Command Parse(byte type, ReadOnlySpan<byte> payload)
    {
        if (type == MessageType.CommandAmf3 && payload.Length > 0 && payload[0] == 0) payload = payload[1..];
        try
        {
            var reader = new AmfReader(payload);
            if (reader.ReadValue() is not string name) throw new RtmpProtocolException("command without a name");
            var transaction = reader.End ? 0 : reader.ReadValue() is double d ? d : 0;
            var obj = reader.End ? null : reader.ReadValue() as AmfObject;
            var args = reader.ReadAll();
            return new Command(name, transaction, obj, args);
        }
        catch (AmfException e)
        {
            throw new RtmpProtocolException($"malformed AMF in a command: {e.Message}");
        }
    }

    /// <summary>Argument <paramref name="index"/> as a string, or null.</summary>
    public string? StringArgument(int index) => index < Arguments.Count ? Arguments[index] as string : null;

    /// <summary>Argument <paramref name="index"/> as a number, or null.</summary>
    public double? NumberArgument(int index) => index < Arguments.Count && Arguments[index] is double d ? d : null;

    public AmfObject? ObjectArgument(int index) => index < Arguments.Count ? Arguments[index] as AmfObject : null;
}

/// <summary>Data messages (<c>@setDataFrame</c>, <c>onMetaData</c>, <c>|RtmpSampleAccess</c>).</summary>
internal static class DataMessage
{
    /// <summary>The payload without AMF3's leading zero byte.</summary>
    public static ReadOnlySpan<byte> Amf0Of(byte type, ReadOnlySpan<byte> payload) =>
        type == MessageType.DataAmf3 && payload.Length > 0 && payload[0] == 0 ? payload[1..] : payload;

    /// <summary>
    /// A publisher's <c>@setDataFrame onMetaData {...}</c> as the FLV script tag it stands for
    /// (<c>onMetaData {...}</c>), or the payload unchanged.
    /// </summary>
    public static bool IsSetDataFrame(ReadOnlySpan<byte> amf0)
    {
        try
        {
            var reader = new AmfReader(amf0);
            return reader.ReadValue() is "@setDataFrame";
        }
        catch (AmfException)
        {
            return false;
        }
    }
}
