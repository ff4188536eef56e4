using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Mail;

/// <summary>
/// Sends one mail per connection with MailKit: <c>smtp://</c> uses STARTTLS when the server offers
/// it and speaks in clear otherwise, <c>smtps://</c> is TLS from the first byte; the server's
/// certificate is checked against the system store or a CA file; credentials of the endpoint log in
/// with the best mechanism both sides know. Every failure is a <see cref="SmtpFailureException"/>
/// whose message says what happened and never carries the password.
/// </summary>
public static class MailSender
{
    public static async Task SendAsync(SmtpEndpoint endpoint, OutgoingMail mail, string heloName, CaFileTrust? trust,
        CancellationToken cancellationToken)
    {
        var message = MailComposer.Compose(mail, SafeHelo(heloName));
        using var client = new SmtpClient
        {
            LocalDomain = SafeHelo(heloName),
            // No revocation lookups: they need the network the server may not have (as the HTTP sink).
            CheckCertificateRevocation = false,
        };
        if (trust is not null) client.ServerCertificateValidationCallback = (_, cert, chain, errors) => trust.Validate(cert, chain, errors);
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port,
                endpoint.ImplicitTls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            if (endpoint.User is not null)
            {
                client.AuthenticationMechanisms.Remove("XOAUTH2"); // needs a token, not a password
                await client.AuthenticateAsync(endpoint.User, endpoint.Password ?? "", cancellationToken);
            }
            await client.SendAsync(message, cancellationToken);
            try { await client.DisconnectAsync(quit: true, cancellationToken); }
            catch (Exception e) when (e is IOException or ProtocolException or SocketException) { /* sent already */ }
        }
        catch (SocketException e)
        {
            throw new SmtpFailureException($"cannot connect to {endpoint}: {e.Message}", e);
        }
        catch (SslHandshakeException e)
        {
            throw new SmtpFailureException($"TLS with {endpoint} failed: {Reason(e)}", e);
        }
        catch (AuthenticationException e)
        {
            throw new SmtpFailureException($"{endpoint} refused the login of '{endpoint.User}': {e.Message}", e);
        }
        catch (SmtpCommandException e)
        {
            var who = e.Mailbox is null ? "" : $" ({e.Mailbox.Address})";
            throw new SmtpFailureException($"SMTP server {endpoint} answered {(int)e.StatusCode} '{e.Message}'{who}", e);
        }
        catch (NotSupportedException e) when (endpoint.User is not null && !client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
        {
            throw new SmtpFailureException($"{endpoint} offers no login (AUTH), but the address has credentials", e);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or ServiceNotConnectedException)
        {
            throw new SmtpFailureException($"connection to {endpoint} failed: {e.Message}", e);
        }
    }

    /// <summary>MailKit's handshake message is a page of advice; the first line says what happened.</summary>
    private static string Reason(SslHandshakeException e)
    {
        var detail = e.InnerException?.Message ?? e.Message;
        var line = detail.Split('\n', 2)[0].Trim();
        return e.ServerCertificate is null ? line : $"the server's certificate is not trusted ({line})";
    }

    private static string SafeHelo(string name)
    {
        var clean = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-').ToArray());
        return clean.Length > 0 ? clean : "localhost";
    }
}

/// <summary>The SMTP exchange failed; the message holds the server's reply or the network error.</summary>
public sealed class SmtpFailureException(string message, Exception? inner = null) : Exception(message, inner);
