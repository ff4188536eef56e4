using System.Text;
using Sluice.Abstractions.Events;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Common.Tests;

public sealed class JsonArrayBodyTests
{
    private static SluiceEvent Event(string id) => new("source_closed", id, 1_795_255_200_123, "s", EventLevel.Warning, "cam1");

    [Fact]
    public void A_batch_is_the_array_of_its_events_json_with_room_for_a_trailer()
    {
        var batch = new[] { Event("a"), Event("b") };
        using var body = JsonArrayBody.Build(batch, trailerCapacity: 16);
        var expected = "[" + Encoding.UTF8.GetString(batch[0].Utf8Json.Span) + "," + Encoding.UTF8.GetString(batch[1].Utf8Json.Span) + "]";
        Assert.Equal(expected, Encoding.UTF8.GetString(body.Span));
        Assert.True(body.Buffer.Length >= body.Length + 16);
    }

    [Fact]
    public void An_empty_batch_is_an_empty_array_and_dispose_returns_the_buffer()
    {
        var body = JsonArrayBody.Build([]);
        Assert.Equal("[]", Encoding.UTF8.GetString(body.Span));
        body.Dispose();
        Assert.Equal(0, body.Length);
        Assert.Empty(body.Buffer);
    }
}
