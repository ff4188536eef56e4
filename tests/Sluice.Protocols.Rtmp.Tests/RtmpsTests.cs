using Sluice.Host.Tests.Support;
using Sluice.Protocols.Rtmp.Tests.Support;
using static Sluice.Protocols.Rtmp.Tests.Support.EventLog;

namespace Sluice.Protocols.Rtmp.Tests;

/// <summary>
/// <c>rtmps</c> with the certificate files the core's <c>https</c> uses (one loader): ffmpeg publishing and
/// playing over TLS, openssl verifying the chain, and the same check-time errors as <c>https</c>.
/// </summary>
[Collection(RtmpCollection.Name)]
public sealed class RtmpsTests(Clips clips)
{
    [Fact]
    public async Task Ffmpeg_publishes_and_plays_over_rtmps_and_openssl_verifies_the_certificate_made_for_the_test()
    {
        var tls = FreePort.Tcp();
        string ca = "";
        await using var host = await SluiceHost.StartAsync($"rtmps 127.0.0.1:{tls};\nlive live {{ }}\n", prepare: dir => ca = SpecCertificates.Write(dir));
        var url = $"rtmps://127.0.0.1:{tls}/live/cam";
        await using var publisher = Peer.FfmpegPublish(clips.Flv, url);
        var events = await WaitForAsync(host.EventsPath, Is("source_started", "live/cam"), "source_started of live/cam over rtmps");
        Assert.Equal("rtmps", Str(events.First(Is("source_opened", "live/cam")), "proto"));

        var (code, errors) = await Peer.FfmpegPlayAsync(url, 3);
        Assert.True(code == 0 && errors.Trim().Length == 0, $"ffmpeg playing rtmps: {errors}\n{host.Output}");
        await WaitForAsync(host.EventsPath, e => Is("play_closed", "live/cam")(e) && Str(e, "proto") == "rtmps", "play_closed of the rtmps player");

        await using (var openssl = Peer.Start("openssl", "s_client", "-connect", $"127.0.0.1:{tls}",
                         "-CAfile", ca, "-verify_return_error", "-verify_ip", "127.0.0.1", "-brief"))
        {
            openssl.CloseInput();
            var verified = await openssl.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(verified == 0, openssl.Output);
            Assert.Contains("Verification: OK", openssl.Output);
            Assert.Contains("CN = localhost", openssl.Output);
        }
        Assert.False(host.HasExited);
    }

    [Fact]
    public async Task A_missing_certificate_is_the_same_check_time_error_for_rtmps_as_for_https()
    {
        using var folder = new TempFolder();
        var config = folder.File("sluice.conf");
        await File.WriteAllTextAsync(config, "https 127.0.0.1:1;\nrtmps 127.0.0.1:2;\n");
        var (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(60), SluiceHost.HostExecutable, "check", "-c", config);
        Assert.Equal(1, code);
        var missing = $"cannot use the certificate: no certificate {Path.Combine(folder.Path, "streamer.crt")} (expected streamer.crt, streamer.key and optionally streamer-ca.crt in {folder.Path})";
        Assert.Contains($"{config}:1:1: 'https' {missing}", output);
        Assert.Contains($"{config}:2:7: 'rtmps' {missing}", output);

        // A key that does not decrypt with Flussonic's password: the same message for both.
        SpecCertificates.Write(folder.Path, keyPassword: "not-flussonic");
        (code, output) = await Peer.RunAsync(TimeSpan.FromSeconds(60), SluiceHost.HostExecutable, "check", "-c", config);
        Assert.Equal(1, code);
        var lines = output.Split('\n').Where(l => l.Contains("cannot use the certificate")).Select(l => l[(l.IndexOf(' ') + 1)..].Replace("'rtmps'", "'https'")).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(lines[0], lines[1]);
        Assert.Contains("streamer.key", lines[0]);
        Assert.DoesNotContain("not-flussonic", output);
    }
}
