using System.CommandLine;
using Sluice.Host.Events;

namespace Sluice.Host.Cli;

/// <summary><c>sluice events [--json]</c>: the event catalog.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the catalog as JSON" };
        var command = new Command("events", "Print the catalog of events: name, level, group, description") { json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json)) Console.WriteLine(EventCatalog.ToJson());
            else EventCatalog.Format(Console.Out);
            return 0;
        });
        return command;
    }
}
