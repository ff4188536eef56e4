using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KeraLua;
using Sluice.Abstractions.Events;

namespace Sluice.Sinks.Lua;

/// <summary>
/// Moves values between .NET and the Lua stack: events and args in, JSON both ways.
/// Strings cross as UTF-8 bytes (never through KeraLua's default encoding).
/// </summary>
internal static class LuaValues
{
    private const int MaxDepth = 100;

    public static void PushString(KeraLua.Lua lua, string text) => lua.PushBuffer(Encoding.UTF8.GetBytes(text));

    /// <summary>The string at <paramref name="index"/> (only call for strings: numbers would be converted in place).</summary>
    public static string ReadString(KeraLua.Lua lua, int index) => Encoding.UTF8.GetString(lua.ToBuffer(index, false));

    /// <summary>Pushes the batch as a 1-based array of flat tables, one per event.</summary>
    public static void PushEvents(KeraLua.Lua lua, IReadOnlyList<SluiceEvent> batch)
    {
        lua.CreateTable(batch.Count, 0);
        for (var i = 0; i < batch.Count; i++)
        {
            var evt = batch[i];
            lua.CreateTable(0, 8 + evt.Fields.Count);
            foreach (var field in evt.AllFields())
            {
                if (field.Value.IsNull) continue;
                PushString(lua, field.Name);
                PushValue(lua, field.Value);
                lua.RawSet(-3);
            }
            lua.RawSetInteger(-2, i + 1);
        }
    }

    public static void PushArgs(KeraLua.Lua lua, IReadOnlyDictionary<string, string> args)
    {
        lua.CreateTable(0, args.Count);
        foreach (var (k, v) in args)
        {
            PushString(lua, k);
            PushString(lua, v);
            lua.RawSet(-3);
        }
    }

    private static void PushValue(KeraLua.Lua lua, EventValue value)
    {
        switch (value.Kind)
        {
            case EventValueKind.String: PushString(lua, value.AsString!); break;
            case EventValueKind.Integer: lua.PushInteger(value.AsInteger); break;
            case EventValueKind.Number: lua.PushNumber(value.AsNumber); break;
            case EventValueKind.Boolean: lua.PushBoolean(value.AsBoolean); break;
            case EventValueKind.Json:
                using (var doc = JsonDocument.Parse(value.ToString())) PushJson(lua, doc.RootElement, 0);
                break;
            default: lua.PushNil(); break;
        }
    }

    /// <summary>Pushes a JSON value as Lua values (objects and arrays become tables, null becomes nil).</summary>
    public static void PushJson(KeraLua.Lua lua, JsonElement element, int depth)
    {
        if (depth > MaxDepth) throw new JsonException("JSON nested too deeply");
        if (!lua.CheckStack(4)) throw new JsonException("Lua stack exhausted");
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                lua.CreateTable(0, 4);
                foreach (var p in element.EnumerateObject())
                {
                    PushString(lua, p.Name);
                    PushJson(lua, p.Value, depth + 1);
                    lua.RawSet(-3);
                }
                break;
            case JsonValueKind.Array:
                lua.CreateTable(element.GetArrayLength(), 0);
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    PushJson(lua, item, depth + 1);
                    lua.RawSetInteger(-2, ++i);
                }
                break;
            case JsonValueKind.String: PushString(lua, element.GetString()!); break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var n)) lua.PushInteger(n); else lua.PushNumber(element.GetDouble());
                break;
            case JsonValueKind.True: lua.PushBoolean(true); break;
            case JsonValueKind.False: lua.PushBoolean(false); break;
            default: lua.PushNil(); break;
        }
    }

    /// <summary>The Lua value at <paramref name="index"/> as JSON text; tables with keys 1..n become arrays.</summary>
    public static string ToJson(KeraLua.Lua lua, int index)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteJson(lua, lua.AbsIndex(index), writer, 0);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteJson(KeraLua.Lua lua, int index, Utf8JsonWriter writer, int depth)
    {
        if (depth > MaxDepth) throw new JsonException("value nested too deeply (a cycle?)");
        switch (lua.Type(index))
        {
            case LuaType.Nil or LuaType.None: writer.WriteNullValue(); break;
            case LuaType.Boolean: writer.WriteBooleanValue(lua.ToBoolean(index)); break;
            case LuaType.Number:
                if (lua.IsInteger(index)) writer.WriteNumberValue(lua.ToInteger(index));
                else
                {
                    var d = lua.ToNumber(index);
                    if (!double.IsFinite(d)) throw new JsonException("cannot encode NaN or infinity");
                    writer.WriteNumberValue(d);
                }
                break;
            case LuaType.String: writer.WriteStringValue(lua.ToBuffer(index, false)); break;
            case LuaType.Table: WriteTable(lua, index, writer, depth); break;
            default: throw new JsonException($"cannot encode a {lua.TypeName(index)}");
        }
    }

    private static void WriteTable(KeraLua.Lua lua, int index, Utf8JsonWriter writer, int depth)
    {
        if (!lua.CheckStack(4)) throw new JsonException("Lua stack exhausted");
        var length = lua.RawLen(index);
        var count = 0;
        var arrayLike = true;
        lua.PushNil();
        while (lua.Next(index))
        {
            count++;
            if (!lua.IsInteger(-2) || lua.ToInteger(-2) is var k && (k < 1 || k > length)) arrayLike = false;
            lua.Pop(1);
        }
        if (arrayLike && count == length && length > 0)
        {
            writer.WriteStartArray();
            for (var i = 1; i <= length; i++)
            {
                lua.RawGetInteger(index, i);
                WriteJson(lua, lua.GetTop(), writer, depth + 1);
                lua.Pop(1);
            }
            writer.WriteEndArray();
            return;
        }
        writer.WriteStartObject();
        lua.PushNil();
        while (lua.Next(index))
        {
            writer.WritePropertyName(KeyText(lua, -2));
            WriteJson(lua, lua.GetTop(), writer, depth + 1);
            lua.Pop(1);
        }
        writer.WriteEndObject();
    }

    private static string KeyText(KeraLua.Lua lua, int index) => lua.Type(index) switch
    {
        LuaType.String => ReadString(lua, index),
        LuaType.Number when lua.IsInteger(index) => lua.ToInteger(index).ToString(CultureInfo.InvariantCulture),
        LuaType.Number => lua.ToNumber(index).ToString("R", CultureInfo.InvariantCulture),
        LuaType.Boolean => lua.ToBoolean(index) ? "true" : "false",
        _ => throw new JsonException($"cannot encode a {lua.TypeName(index)} key"),
    };
}
