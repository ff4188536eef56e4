using Sluice.Abstractions.Plugins;
using Sluice.Sinks.JavaScript;

namespace Sluice.Sinks.Tests;

/// <summary>The script API contract, in JavaScript.</summary>
public sealed class JsScriptApiTests : ScriptApiContract
{
    protected override ISluicePlugin Plugin => new JsSinkPlugin();

    protected override string Extension => ".js";

    protected override string EchoEventsAndArgs => "http.post(args.url, json.encode({ events, args }));\n";

    protected override string NoVideo => """
        let body = 'Source lost on following streams: \n';
        for (const event of events) body += `  ${event.media}\n`;
        await mail.send({ from: args.from, to: args.to, subject: 'Source lost', body });
        """;

    protected override string MailWithHtmlAndAttachment => """
        mail.send({ to: args.to, subject: 'down', body: 'down', html: '<b>down</b>',
                    attachments: [{ name: 'events.json', content: json.encode(events) }] });
        """;

    protected override string PostAndCheckAnswer => """
        const { status, body } = http.post(args.url, { count: events.length }, { 'X-Token': args.token });
        if (status !== 201) throw new Error(`status ${status}`);
        const answer = json.decode(body);
        if (answer.ok !== true || answer.n[1] !== 2) throw new Error(`answer ${body}`);
        """;

    protected override string JsonRoundTrip => """
        const v = json.decode('{"a":[1,2,{"b":null}],"s":"ü"}');
        if (v.a[2].b !== null) throw new Error('null');
        http.post(args.url, json.encode({ a1: v.a[0], s: v.s, count: v.a.length }));
        """;

    protected override string LogLines => "log.info('hello', 42);\nlog.warning('careful');\nconsole.error('broken');\n";

    protected override string RuntimeErrorOnLine3 => "const a = 1;\nconst b = 2;\nnull.boom;\n";

    protected override string SyntaxErrorOnLine2 => "const a = 1;\nlet x = ;\n";

    protected override string MailSendOnLine2 => "const a = 1;\nmail.send({ to: args.to, subject: 's', body: 'b' });\n";

    protected override string HttpPostOnLine2 => "const a = 1;\nhttp.post(args.url, '{}');\n";

    protected override string EndlessLoopForCam1 => "if (events[0].media === 'cam1') {\n  for (;;) {}\n}\n";

    protected override string UnboundedAllocationForCam1 =>
        "if (events[0].media === 'cam1') {\n  const t = [];\n  for (let i = 0; ; i++) t.push('x'.repeat(1000) + i);\n}\n";

    protected override string CatchTheMemoryErrorAndGoOn => """
        const t = [];
        for (;;) {
          try { for (let i = 0; ; i++) t.push('x'.repeat(1000) + i); } catch (e) { log.warning('caught', String(e)); }
        }
        """;

    protected override string GlobalsAreFresh => "if (globalThis.seen !== undefined) throw new Error('a global survived the previous batch');\nglobalThis.seen = true;\nleaked = 1;\n";

    protected override string CountEvents => "if (events.length !== Number(args.want)) throw new Error(`want ${args.want}`);\n";

    protected override IEnumerable<string> SandboxEscapes =>
    [
        "require('fs').writeFileSync('/tmp/sluice-escaped', 'x');\n",
        "require('child_process').execSync('touch /tmp/sluice-escaped');\n",
        "process.exit(1);\n",
        "await import('fs');\n",
        "await fetch('http://127.0.0.1:1/');\n",
        "new ArrayBuffer(2 ** 31);\n",
        "(function f() { f(); })();\n",
    ];
}
