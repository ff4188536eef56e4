using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MimeKit;

namespace Sluice.Testing;

/// <summary>
/// A real SMTP server (Python's aiosmtpd, run by /usr/bin/python3) on 127.0.0.1 that saves every
/// message it accepts into a folder: NNNN.eml (the message as received) and NNNN.json (envelope
/// sender, recipients, whether TLS was on, who logged in). Messages are read back with MimeKit's parser.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    public enum Security { Plain, StartTls, ImplicitTls, PlainWithAuth }

    /// <summary>The only login <see cref="Security.PlainWithAuth"/> accepts.</summary>
    public const string User = "alerts", Password = "s3cr:et";

    private const string Script = """
        import json, os, ssl, sys
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
        out, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        class Saver:
            n = 0
            async def handle_DATA(self, server, session, envelope):
                Saver.n += 1
                base = os.path.join(out, "%04d" % Saver.n)
                with open(base + ".eml.tmp", "wb") as f:
                    f.write(envelope.original_content or envelope.content)
                with open(base + ".json", "w") as f:
                    json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                               "tls": mode == "smtps" or getattr(session, "ssl", None) is not None,
                               "user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None}, f)
                os.rename(base + ".eml.tmp", base + ".eml")
                return "250 OK"
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"alerts" and auth_data.password == b"s3cr:et"
            # handled=False: aiosmtpd answers the failure (535) itself; True would leave the client waiting.
            return AuthResult(success=ok, handled=False, auth_data=auth_data)
        kwargs = {}
        if mode == "auth":
            kwargs = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
        elif mode != "plain":
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(sys.argv[4], sys.argv[5])
            kwargs = {"tls_context": ctx} if mode == "starttls" else {"ssl_context": ctx}
        c = Controller(Saver(), hostname="127.0.0.1", port=port, **kwargs)
        c.start()
        print("READY", flush=True)
        sys.stdin.read()
        c.stop()
        """;

    private readonly Process _process;
    private readonly TempFolder _folder;

    public int Port { get; }

    private SmtpServer(Process process, TempFolder folder, int port) { _process = process; _folder = folder; Port = port; }

    public static async Task<SmtpServer> StartAsync(Security security = Security.Plain, string? certPem = null, string? keyPem = null)
    {
        var folder = new TempFolder();
        var script = folder.File("smtpd.py");
        await File.WriteAllTextAsync(script, Script);
        Directory.CreateDirectory(folder.File("mail"));
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var mode = security switch { Security.StartTls => "starttls", Security.ImplicitTls => "smtps", Security.PlainWithAuth => "auth", _ => "plain" };
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { script, folder.File("mail"), port.ToString(), mode }) psi.ArgumentList.Add(a);
            if (certPem is not null) { psi.ArgumentList.Add(certPem); psi.ArgumentList.Add(keyPem!); }
            var process = Process.Start(psi)!;
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line == "READY") return new SmtpServer(process, folder, port);
            process.Kill(true);
            if (attempt == 2) throw new InvalidOperationException("aiosmtpd did not start: " + await stderr);
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>A received message: envelope, decoded headers, the text and HTML bodies (line ends as \n), attachments and inline parts.</summary>
    public sealed record Message(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, bool Tls, string? User,
        IReadOnlyDictionary<string, string> Headers, string Body, string? Html,
        IReadOnlyList<(string Name, string ContentType, byte[] Content, bool Inline)> Parts, string Raw);

    /// <summary>Waits (bounded) until <paramref name="count"/> messages arrived and returns them in order.</summary>
    public async Task<IReadOnlyList<Message>> WaitForMessagesAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        string[] files;
        while ((files = Directory.GetFiles(_folder.File("mail"), "*.eml")).Length < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{files.Length} of {count} messages arrived");
            await Task.Delay(50);
        }
        return files.Order().Select(Read).ToList();
    }

    public int MessageCount => Directory.GetFiles(_folder.File("mail"), "*.eml").Length;

    /// <summary><c>Name &lt;a@x&gt;, b@y</c>: decoded, without MimeKit's quoting.</summary>
    private static string Addresses(InternetAddressList list) =>
        string.Join(", ", list.Mailboxes.Select(m => string.IsNullOrEmpty(m.Name) ? m.Address : $"{m.Name} <{m.Address}>"));

    private static Message Read(string eml)
    {
        using var envelope = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(eml, ".json")));
        var message = MimeMessage.Load(eml);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["From"] = Addresses(message.From),
            ["To"] = Addresses(message.To),
            ["Subject"] = message.Subject ?? "",
        };
        foreach (var h in message.Headers) headers.TryAdd(h.Field, h.Value);
        var parts = new List<(string, string, byte[], bool)>();
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            if (part is TextPart { IsAttachment: false } && part.ContentId is null) continue;   // the bodies
            using var content = new MemoryStream();
            part.Content!.DecodeTo(content);
            parts.Add((part.FileName ?? part.ContentId ?? "", part.ContentType.MimeType, content.ToArray(), part.ContentId is not null && !part.IsAttachment));
        }
        var root = envelope.RootElement;
        return new Message(root.GetProperty("from").GetString()!, root.GetProperty("to").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("tls").GetBoolean(), root.GetProperty("user").GetString(), headers,
            (message.TextBody ?? "").ReplaceLineEndings("\n"), message.HtmlBody?.ReplaceLineEndings("\n"), parts, File.ReadAllText(eml));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) { }
        finally
        {
            if (!_process.HasExited) _process.Kill(true);
            _process.Dispose();
            _folder.Dispose();
        }
    }
}
