using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Sinks.Common;

namespace Sluice.Sinks.Common.Tests;

/// <summary>A CA file decides a real TLS handshake with a Kestrel server that has the test certificate.</summary>
public sealed class CaFileTrustTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<bool> HandshakeAsync(HttpReceiver server, string host, CaFileTrust trust)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = (_, cert, chain, errors) => trust.Validate(cert, chain, errors),
            });
            return true;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_servers_certificate_is_trusted_when_the_file_holds_its_ca_and_the_name_matches()
    {
        await using var server = await HttpReceiver.StartAsync(TestCertificates.Localhost);
        var (pem, _) = TestCertificates.WritePem(_dir.Path);
        var trust = CaFileTrust.Load(pem, out var error);
        Assert.Null(error);
        Assert.True(await HandshakeAsync(server, "localhost", trust!));
        Assert.False(await HandshakeAsync(server, "other.example", trust!), "the name must still match");

        File.WriteAllBytes(_dir.File("ca.der"), TestCertificates.Localhost.Export(X509ContentType.Cert));
        Assert.True(await HandshakeAsync(server, "localhost", CaFileTrust.Load(_dir.File("ca.der"), out _)!), "DER works too");
    }

    [Fact]
    public async Task Another_ca_is_not_trusted()
    {
        await using var server = await HttpReceiver.StartAsync(TestCertificates.Localhost);
        using var rsa = RSA.Create(2048);
        var other = new CertificateRequest("CN=Other CA", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(_dir.File("other.pem"), other.ExportCertificatePem());
        Assert.False(await HandshakeAsync(server, "localhost", CaFileTrust.Load(_dir.File("other.pem"), out _)!));
    }

    [Fact]
    public void A_missing_file_or_one_without_a_certificate_is_an_error_naming_it()
    {
        Assert.Null(CaFileTrust.Load(_dir.File("none.pem"), out var error));
        Assert.Contains("none.pem", error);
        File.WriteAllText(_dir.File("empty.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        Assert.Null(CaFileTrust.Load(_dir.File("empty.pem"), out error));
        Assert.Contains("empty.pem", error);
    }
}
