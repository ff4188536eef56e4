using System.Diagnostics;
using System.Text.Json;
using KeraLua;
using Microsoft.Extensions.Logging;
using Sluice.Abstractions.Events;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Lua;

/// <summary>
/// One Lua state with the sink's API, reused batch after batch from one thread at a time.
/// Managed callbacks never raise Lua errors themselves (a longjmp across .NET frames is not safe):
/// they return <c>nil, message</c> and the prelude's Lua wrappers call <c>error</c>.
/// </summary>
internal sealed class LuaScriptHost : IDisposable
{
    private const int HookEveryInstructions = 1000;
    private readonly KeraLua.Lua _lua;
    private readonly LuaSinkOptions _options;
    private readonly ILogger _logger;
    private readonly ScriptHttp _http = new();
    private readonly string _scriptFolder;
    /// <summary>The script's folder with its links resolved: what a sandboxed path must resolve into.</summary>
    private readonly string? _realScriptFolder;
    private readonly int _runnerRef;
    // Callbacks handed to native code: kept alive as long as the state.
    private readonly LuaFunction[] _callbacks;
    private readonly LuaMemoryLimit _memory;
    private readonly LuaAlloc _allocator;
    private long _deadline;

    public LuaScriptHost(LuaSinkOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _scriptFolder = Path.GetDirectoryName(options.ScriptPath)!;
        _realScriptFolder = RealPath.Resolve(_scriptFolder, _scriptFolder);
        _memory = new LuaMemoryLimit(options.MemoryLimit);
        _allocator = _memory.Allocator;
        _lua = new KeraLua.Lua(_allocator, IntPtr.Zero);
        _lua.OpenLibs();
        _callbacks = [Guard(Expired), Guard(AllowedPath), Guard(MailSend), Guard(HttpPost), Guard(JsonEncode), Guard(JsonDecode), Guard(Log)];
        try
        {
            _runnerRef = LoadPrelude();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private int LoadPrelude()
    {
        using var stream = typeof(LuaScriptHost).Assembly.GetManifestResourceStream("Sluice.Sinks.Lua.Prelude.lua")!;
        using var reader = new StreamReader(stream);
        var prelude = System.Text.Encoding.UTF8.GetBytes(reader.ReadToEnd());
        if (_lua.LoadBuffer(prelude, "=prelude") != LuaStatus.OK) throw new InvalidOperationException(_lua.ToString(-1, false));
        _lua.CreateTable(0, _callbacks.Length);
        string[] names = ["expired", "allowed_path", "mail_send", "http_post", "json_encode", "json_decode", "log"];
        for (var i = 0; i < names.Length; i++)
        {
            _lua.PushCFunction(_callbacks[i]);
            _lua.SetField(-2, names[i]);
        }
        LuaValues.PushString(_lua, _scriptFolder);
        _lua.PushBoolean(_options.Unsafe);
        _lua.PushInteger(HookEveryInstructions);
        if (_lua.PCall(4, 1, 0) != LuaStatus.OK) throw new InvalidOperationException("Lua prelude failed: " + _lua.ToString(-1, false));
        return _lua.Ref(LuaRegistry.Index);
    }

    /// <summary>Runs the script over one batch; throws <see cref="LuaScriptError"/> with the script's message (file:line: ...).</summary>
    public void Run(string source, string chunkName, IReadOnlyList<SluiceEvent> batch, TimeSpan timeLimit)
    {
        Interlocked.Exchange(ref _deadline, Stopwatch.GetTimestamp() + (long)(timeLimit.TotalSeconds * Stopwatch.Frequency));
        var top = _lua.GetTop();
        try
        {
            _lua.RawGetInteger(LuaRegistry.Index, _runnerRef);
            LuaValues.PushString(_lua, source);
            LuaValues.PushString(_lua, chunkName);
            LuaValues.PushEvents(_lua, batch);
            LuaValues.PushArgs(_lua, _options.Arguments);
            if (_lua.PCall(4, 0, 0) != LuaStatus.OK)
            {
                var message = _lua.Type(-1) == LuaType.String ? LuaValues.ReadString(_lua, -1) : $"script raised a {_lua.TypeName(-1)} value";
                throw new LuaScriptError(message);
            }
        }
        finally
        {
            _lua.SetTop(top);
            _lua.GarbageCollector(LuaGC.Step, 0);
        }
    }

    /// <summary>Ends the current run at the hook's next check (any thread may call it).</summary>
    public void Abort() => Interlocked.Exchange(ref _deadline, 0);

    private bool PastDeadline => Stopwatch.GetTimestamp() > Volatile.Read(ref _deadline);

    private TimeSpan Remaining => TimeSpan.FromSeconds(Math.Max(0.05, (Volatile.Read(ref _deadline) - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));

    private int Expired(KeraLua.Lua lua)
    {
        lua.PushBoolean(PastDeadline);
        return 1;
    }

    /// <summary>
    /// allowed_path(path): what the path resolves to (every link followed) when that lies inside the
    /// script's (resolved) folder, else nil. The caller opens the resolved path, not the text.
    /// </summary>
    private int AllowedPath(KeraLua.Lua lua)
    {
        try
        {
            if (lua.Type(1) != LuaType.String) { lua.PushNil(); return 1; }
            var text = LuaValues.ReadString(lua, 1);
            if (_options.Unsafe) { LuaValues.PushString(lua, Path.GetFullPath(Path.Combine(_scriptFolder, text))); return 1; }
            var real = text.Contains('\0') ? null : RealPath.Resolve(text, _scriptFolder);
            if (real is not null && _realScriptFolder is not null && RealPath.IsInside(real, _realScriptFolder) && real != _realScriptFolder)
                LuaValues.PushString(lua, real);
            else lua.PushNil();
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            lua.PushNil();
        }
        return 1;
    }

    /// <summary>mail_send(request as JSON) -> true | nil, message.</summary>
    private int MailSend(KeraLua.Lua lua)
    {
        try
        {
            using var cts = new CancellationTokenSource(Remaining);
            _options.Mail.SendAsync(Arg(lua, 1), cts.Token).GetAwaiter().GetResult();
            lua.PushBoolean(true);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return Fail(lua, $"mail.send: {_options.Mail.Endpoint} did not answer before the time limit");
        }
        catch (Exception e)
        {
            return Fail(lua, e.Message.StartsWith("mail.send", StringComparison.Ordinal) ? e.Message : "mail.send: " + e.Message);
        }
    }

    /// <summary>http_post(url, body, headers) -> status, body | nil, message.</summary>
    private int HttpPost(KeraLua.Lua lua)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (lua.Type(3) == LuaType.Table)
        {
            lua.PushNil();
            while (lua.Next(3))
            {
                headers.Add(new(LuaValues.ReadString(lua, -2), LuaValues.ReadString(lua, -1)));
                lua.Pop(1);
            }
        }
        try
        {
            var (status, body) = _http.Post(Arg(lua, 1), Arg(lua, 2), headers, Remaining);
            lua.PushInteger(status);
            LuaValues.PushString(lua, body);
            return 2;
        }
        catch (ScriptHttpException e)
        {
            return Fail(lua, e.Message);
        }
    }

    /// <summary>json_encode(value) -> text | nil, message.</summary>
    private int JsonEncode(KeraLua.Lua lua)
    {
        try
        {
            LuaValues.PushString(lua, LuaValues.ToJson(lua, 1));
            return 1;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return Fail(lua, "json.encode: " + e.Message);
        }
    }

    /// <summary>json_decode(text) -> true, value | false, message.</summary>
    private int JsonDecode(KeraLua.Lua lua)
    {
        var top = lua.GetTop();
        try
        {
            using var doc = JsonDocument.Parse(lua.ToBuffer(1, false));
            lua.PushBoolean(true);
            LuaValues.PushJson(lua, doc.RootElement, 0);
            return 2;
        }
        catch (JsonException e)
        {
            lua.SetTop(top);
            lua.PushBoolean(false);
            LuaValues.PushString(lua, "json.decode: " + e.Message);
            return 2;
        }
    }

    /// <summary>log(level, message) to the host's logger.</summary>
    private int Log(KeraLua.Lua lua)
    {
        var level = Arg(lua, 1) switch
        {
            "error" => LogLevel.Error,
            "warning" => LogLevel.Warning,
            "debug" => LogLevel.Debug,
            _ => LogLevel.Information,
        };
        _logger.Log(level, "{Script}: {Message}", Path.GetFileName(_options.ScriptPath), Arg(lua, 2));
        return 0;
    }

    /// <summary>No exception may cross back into native code: anything unexpected becomes <c>nil, message</c>.</summary>
    private static LuaFunction Guard(Func<KeraLua.Lua, int> body) => state =>
    {
        var lua = KeraLua.Lua.FromIntPtr(state);
        var top = lua.GetTop();
        try
        {
            return body(lua);
        }
        catch (Exception e)
        {
            lua.SetTop(top);
            return Fail(lua, e.Message);
        }
    };

    private static string Arg(KeraLua.Lua lua, int index) => lua.Type(index) == LuaType.String ? LuaValues.ReadString(lua, index) : "";

    private static int Fail(KeraLua.Lua lua, string message)
    {
        lua.PushNil();
        LuaValues.PushString(lua, message);
        return 2;
    }

    public void Dispose()
    {
        _lua.Close();
        _http.Dispose();
        GC.KeepAlive(_callbacks);
        GC.KeepAlive(_allocator);
    }
}

/// <summary>The script failed; the message is Lua's (<c>script.lua:LINE: ...</c>).</summary>
internal sealed class LuaScriptError(string message) : Exception(message);
