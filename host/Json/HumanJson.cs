using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sluice.Host.Json;

/// <summary>
/// JSON that people read (CLI output, API answers seen through curl): quotes, accents and <c>&lt;&gt;&amp;+</c>
/// stay as written instead of <c>\u0027</c>. Control characters are still escaped. Never embedded in HTML.
/// </summary>
internal static class HumanJson
{
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static JsonWriterOptions Writer(bool indented = false) => new() { Encoder = Encoder, Indented = indented };
}
