using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;
using Sluice.Host.Configuration;

namespace Sluice.Host.Logging;

/// <summary>
/// Masks secrets in every log event before it is written (console and file): the message template (a
/// plugin may log an interpolated string), every property value and the exception text. An event
/// without secrets passes through as it is.
/// </summary>
internal sealed class RedactingSink(ILogEventSink next, Func<SecretScrubber> secrets) : ILogEventSink
{
    private static readonly MessageTemplateParser Parser = new();

    public void Emit(LogEvent logEvent) => next.Emit(Redact(logEvent, secrets()));

    internal static LogEvent Redact(LogEvent e, SecretScrubber scrubber)
    {
        var template = e.MessageTemplate;
        var text = scrubber.Scrub(template.Text);
        var changed = text != template.Text;
        if (changed) template = Parser.Parse(text);

        var properties = new List<LogEventProperty>(e.Properties.Count);
        foreach (var (name, value) in e.Properties)
        {
            var redacted = Redact(value, scrubber);
            changed |= !ReferenceEquals(redacted, value);
            properties.Add(new LogEventProperty(name, redacted));
        }

        var exception = e.Exception;
        if (exception is not null)
        {
            var full = exception.ToString();
            var scrubbed = scrubber.Scrub(full);
            if (scrubbed != full)
            {
                exception = new RedactedException(scrubber.Scrub(exception.Message), scrubbed);
                changed = true;
            }
        }
        return changed ? new LogEvent(e.Timestamp, e.Level, exception, template, properties) : e;
    }

    private static LogEventPropertyValue Redact(LogEventPropertyValue value, SecretScrubber scrubber)
    {
        switch (value)
        {
            case ScalarValue { Value: null }:
                return value;
            case ScalarValue scalar when IsPlainData(scalar.Value!):
                return value;
            case ScalarValue scalar:
                var text = scalar.Value as string ?? scalar.Value!.ToString() ?? "";
                var scrubbed = scrubber.Scrub(text);
                return scrubbed == text ? value : new ScalarValue(scrubbed);
            case SequenceValue sequence:
                var items = sequence.Elements.Select(v => Redact(v, scrubber)).ToArray();
                return items.SequenceEqual(sequence.Elements) ? value : new SequenceValue(items);
            case StructureValue structure:
                var props = structure.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value, scrubber))).ToArray();
                return props.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value)) ? value : new StructureValue(props, structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Redact(kv.Value, scrubber))).ToArray();
                return entries.Select(kv => kv.Value).SequenceEqual(dictionary.Elements.Values) ? value : new DictionaryValue(entries);
            default:
                return value;
        }
    }

    /// <summary>Numbers, booleans, times and the like cannot hold a secret.</summary>
    private static bool IsPlainData(object v) =>
        v.GetType().IsPrimitive || v is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum;

    /// <summary>Stands for an exception whose text held a secret; written as the masked text.</summary>
    private sealed class RedactedException(string message, string text) : Exception(message)
    {
        public override string ToString() => text;
    }
}
