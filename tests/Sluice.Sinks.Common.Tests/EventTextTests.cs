using Sluice.Abstractions.Events;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Common.Tests;

public sealed class EventTextTests
{
    [Fact]
    public void An_event_is_one_line_with_time_level_name_common_fields_then_its_own_and_the_id()
    {
        var evt = new SluiceEvent("source_closed", "id-1", 1_795_255_200_123, "streamer1", EventLevel.Warning, "cam1", null,
            [new("reason", "timed out"), new("bytes", 1024L)]);
        Assert.Equal("2026-11-21T10:00:00.123Z warning source_closed media=cam1 server=streamer1 reason=\"timed out\" bytes=1024 id=id-1",
            EventText.Format(evt));
    }
}
