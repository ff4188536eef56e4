using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Sluice.Sinks.Mail;

/// <summary>
/// A minimal SMTP client (RFC 5321): EHLO, STARTTLS when the server offers it, implicit TLS for
/// smtps, AUTH PLAIN/LOGIN when credentials are given, one message per connection.
/// Written here because System.Net.Mail cannot do implicit TLS nor opportunistic STARTTLS.
/// </summary>
public static class SmtpSender
{
    /// <summary>Sends <paramref name="mail"/>; throws <see cref="SmtpFailureException"/> with the server's reply on failure.</summary>
    public static async Task SendAsync(SmtpEndpoint endpoint, MailMessageData mail, string heloName,
        RemoteCertificateValidationCallback? validateCertificate, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new SmtpFailureException($"cannot connect to {endpoint}: {e.Message}", e);
        }
        Stream stream = tcp.GetStream();
        if (endpoint.ImplicitTls) stream = await StartTlsAsync(stream, endpoint.Host, validateCertificate, cancellationToken);
        var session = new SmtpSession(stream);
        try
        {
            await session.ExpectAsync(220, "greeting", cancellationToken);
            var helo = SafeHelo(heloName);
            var caps = await session.CommandAsync($"EHLO {helo}", 250, cancellationToken);
            if (!endpoint.ImplicitTls && HasCapability(caps, "STARTTLS"))
            {
                await session.CommandAsync("STARTTLS", 220, cancellationToken);
                session = new SmtpSession(await StartTlsAsync(stream, endpoint.Host, validateCertificate, cancellationToken));
                caps = await session.CommandAsync($"EHLO {helo}", 250, cancellationToken);
            }
            if (endpoint.User is not null) await AuthenticateAsync(session, caps, endpoint, cancellationToken);
            await session.CommandAsync($"MAIL FROM:<{MailMessageData.EnvelopeAddress(mail.From)}>", 250, cancellationToken);
            foreach (var to in mail.To)
                await session.CommandAsync($"RCPT TO:<{MailMessageData.EnvelopeAddress(to)}>", 250, cancellationToken, alsoOk: 251);
            await session.CommandAsync("DATA", 354, cancellationToken);
            await session.WriteRawAsync(MailComposer.Compose(mail, helo), cancellationToken);
            await session.CommandAsync(".", 250, cancellationToken);
            try { await session.CommandAsync("QUIT", 221, cancellationToken); } catch (SmtpFailureException) { /* sent already */ }
        }
        catch (IOException e)
        {
            throw new SmtpFailureException($"connection to {endpoint} failed: {e.Message}", e);
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    private static async Task<Stream> StartTlsAsync(Stream inner, string host,
        RemoteCertificateValidationCallback? validate, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = validate,
            }, cancellationToken);
        }
        catch (System.Security.Authentication.AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new SmtpFailureException($"TLS with {host} failed: {e.Message}", e);
        }
        return ssl;
    }

    private static async Task AuthenticateAsync(SmtpSession session, string caps, SmtpEndpoint endpoint, CancellationToken ct)
    {
        var user = endpoint.User!;
        var password = endpoint.Password ?? "";
        if (HasAuthMechanism(caps, "PLAIN") || !HasAuthMechanism(caps, "LOGIN"))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            await session.CommandAsync($"AUTH PLAIN {token}", 235, ct);
            return;
        }
        await session.CommandAsync("AUTH LOGIN", 334, ct);
        await session.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(user)), 334, ct);
        await session.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), 235, ct);
    }

    private static bool HasCapability(string ehloReply, string capability) =>
        ehloReply.Split('\n').Any(l => l.Length > 4 && l[4..].Trim().Split(' ')[0].Equals(capability, StringComparison.OrdinalIgnoreCase));

    private static bool HasAuthMechanism(string ehloReply, string mechanism) =>
        ehloReply.Split('\n').Any(l => l.Length > 4 && l[4..].Trim().Split(' ') is var words
            && words[0].Equals("AUTH", StringComparison.OrdinalIgnoreCase)
            && words.Skip(1).Any(w => w.Equals(mechanism, StringComparison.OrdinalIgnoreCase)));

    private static string SafeHelo(string name)
    {
        var clean = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-').ToArray());
        return clean.Length > 0 ? clean : "localhost";
    }

    /// <summary>One command/reply exchange at a time over a stream, replies read line by line.</summary>
    private sealed class SmtpSession(Stream stream) : IAsyncDisposable
    {
        private readonly byte[] _buffer = new byte[4096];
        private int _start, _end;

        public async Task<string> CommandAsync(string line, int expected, CancellationToken ct, int alsoOk = -1)
        {
            await WriteRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"), ct);
            var what = line.StartsWith("AUTH", StringComparison.Ordinal) ? "AUTH" : line;
            return await ExpectAsync(expected, what, ct, alsoOk);
        }

        public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
        {
            await stream.WriteAsync(bytes, ct);
            await stream.FlushAsync(ct);
        }

        public async Task<string> ExpectAsync(int expected, string what, CancellationToken ct, int alsoOk = -1)
        {
            var reply = new StringBuilder();
            while (true)
            {
                var line = await ReadLineAsync(ct);
                reply.Append(line).Append('\n');
                if (line.Length < 4 || line[3] != '-') break;
            }
            var text = reply.ToString().TrimEnd();
            if (text.Length < 3 || !int.TryParse(text.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                || (code != expected && code != alsoOk))
                throw new SmtpFailureException($"SMTP server answered '{text.Replace('\n', ' ')}' to {what}");
            return text;
        }

        private async Task<string> ReadLineAsync(CancellationToken ct)
        {
            while (true)
            {
                var nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (nl >= 0)
                {
                    var line = Encoding.UTF8.GetString(_buffer, _start, nl - _start).TrimEnd('\r');
                    _start = nl + 1;
                    return line;
                }
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length) throw new SmtpFailureException("SMTP reply line too long");
                var n = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
                if (n == 0) throw new SmtpFailureException("SMTP server closed the connection");
                _end += n;
            }
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}

/// <summary>The SMTP exchange failed; the message holds the server's reply or the network error.</summary>
public sealed class SmtpFailureException(string message, Exception? inner = null) : Exception(message, inner);
