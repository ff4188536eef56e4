using Sluice.Abstractions.Plugins;
using Sluice.Sinks.Lua;

namespace Sluice.Sinks.Tests;

/// <summary>The script API contract, in Lua.</summary>
public sealed class LuaScriptApiTests : ScriptApiContract
{
    protected override ISluicePlugin Plugin => new LuaSinkPlugin();

    protected override string Extension => ".lua";

    protected override string EchoEventsAndArgs => "http.post(args.url, json.encode({ events = events, args = args }))\n";

    /// <summary>events-api-older.txt's no_video.lua, character for character.</summary>
    protected override string NoVideo => """
        body = "Source lost on following streams: \n"

        for _, event in pairs(events) do
            body = body.."  "..event.media.."\n"
        end

        mail.send({from = args.from, to = args.to, subject = "Source lost", body = body})
        """;

    protected override string MailWithHtmlAndAttachment => """
        mail.send{ to = args.to, subject = "down", body = "down", html = "<b>down</b>",
                   attachments = { { name = "events.json", content = json.encode(events) } } }
        """;

    protected override string PostAndCheckAnswer => """
        local status, body = http.post(args.url, { count = #events }, { ["X-Token"] = args.token })
        assert(status == 201, "status " .. tostring(status))
        local answer = json.decode(body)
        assert(answer.ok == true and answer.n[2] == 2, "answer " .. body)
        """;

    protected override string JsonRoundTrip => """
        local v = json.decode('{"a":[1,2,{"b":null}],"s":"ü"}')
        assert(v.a[3].b == nil)
        http.post(args.url, json.encode({ a1 = v.a[1], s = v.s, count = #v.a }))
        """;

    protected override string LogLines => "log.info('hello', 42)\nlog.warning('careful')\nlog.error('broken')\n";

    protected override string RuntimeErrorOnLine3 => "local a = 1\nlocal b = 2\nlocal c = a + nil\n";

    protected override string SyntaxErrorOnLine2 => "local a = 1\nif then\n";

    protected override string MailSendOnLine2 => "local a = 1\nmail.send{ to = args.to, subject = 's', body = 'b' }\n";

    protected override string HttpPostOnLine2 => "local a = 1\nhttp.post(args.url, '{}')\n";

    protected override string EndlessLoopForCam1 => "if events[1].media == 'cam1' then\n  while true do end\nend\n";

    protected override string UnboundedAllocationForCam1 =>
        "if events[1].media == 'cam1' then\n  local t = {}\n  for i = 1, 1e12 do t[i] = ('x'):rep(1000) .. i end\nend\n";

    protected override string CatchTheMemoryErrorAndGoOn => """
        local t = {}
        while true do
          local ok, err = pcall(function() for i = 1, 1e12 do t[#t + 1] = ('x'):rep(1000) .. i end end)
          log.warning('caught', tostring(err))
        end
        """;

    protected override string GlobalsAreFresh => "assert(seen == nil, 'a global survived the previous batch')\nseen = true\n";

    protected override string CountEvents => "assert(#events == tonumber(args.want), 'want ' .. tostring(args.want))\n";

    protected override IEnumerable<string> SandboxEscapes =>
    [
        "os.execute('touch /tmp/sluice-escaped')\n",
        "io.popen('id')\n",
        "assert(io.open('/etc/hostname'))\n",
        "assert(io.open('escaped.txt', 'w'))\n",
        "package.loadlib('/lib/x86_64-linux-gnu/libc.so.6', 'system')\n",
        "require('os').exit(1)\n",
        "debug.sethook()\n",
        "load(string.dump(function() end))()\n",
    ];
}
