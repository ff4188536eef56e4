using System.Security.Cryptography;

namespace Sluice.Protocols.Rtmp.Wire;

/// <summary>
/// The RTMP handshake (RTMP 1.0, 5.2) in its simple form and in the digest form Flash-era encoders and
/// ffmpeg use: C1 carries an HMAC-SHA256 digest at an offset derived from its own bytes; a server that
/// finds it answers with digests of its own in S1 and S2 (players such as ffmpeg check them). A C1
/// without a valid digest gets the simple answer (S2 echoes C1). C2/S2 contents are not checked: most
/// peers do not compute them faithfully.
/// </summary>
internal static class Handshake
{
    public const int Size = 1536;
    public const byte Version = 3;

    private const int DigestLength = 32;

    // The constants every RTMP implementation shares: the genuine-player and genuine-server texts, then 32 fixed bytes.
    private static readonly byte[] Tail =
    [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    private static readonly byte[] PlayerKey = [.. "Genuine Adobe Flash Player 001"u8, .. Tail];
    private static readonly byte[] ServerKey = [.. "Genuine Adobe Flash Media Server 001"u8, .. Tail];
    private const int PlayerKeyText = 30, ServerKeyText = 36;

    /// <summary>Server side: S0, S1 and S2 for the client's C1.</summary>
    public static byte[] ServerReply(ReadOnlySpan<byte> c1)
    {
        var reply = new byte[1 + 2 * Size];
        reply[0] = Version;
        var s1 = reply.AsSpan(1, Size);
        var s2 = reply.AsSpan(1 + Size, Size);
        RandomNumberGenerator.Fill(s1[8..]);
        s1[..4].Clear(); // time 0
        var clientDigest = FindDigest(c1, PlayerKey.AsSpan(0, PlayerKeyText), out var scheme);
        if (clientDigest is null)
        {
            s1[4..8].Clear(); // version 0: the simple handshake
            c1.CopyTo(s2);
            return reply;
        }
        // A digest client: S1 carries our digest in the client's scheme, S2 answers its digest.
        s1[4] = 13; s1[5] = 14; s1[6] = 10; s1[7] = 13; // a server version >= 3 tells players to check digests
        WriteDigest(s1, ServerKey.AsSpan(0, ServerKeyText), scheme);
        RandomNumberGenerator.Fill(s2);
        SignTail(s2, HMACSHA256.HashData(ServerKey, clientDigest));
        return reply;
    }

    /// <summary>Client side: C0 and C1 (digest form, as ffmpeg sends it, which every server accepts).</summary>
    public static byte[] ClientHello()
    {
        var hello = new byte[1 + Size];
        hello[0] = Version;
        var c1 = hello.AsSpan(1);
        RandomNumberGenerator.Fill(c1[8..]);
        c1[..4].Clear();
        c1[4] = 9; c1[5] = 0; c1[6] = 124; c1[7] = 2; // "player version" 9.0.124.2: digest form
        WriteDigest(c1, PlayerKey.AsSpan(0, PlayerKeyText), scheme: 0);
        return hello;
    }

    /// <summary>Client side: C2 for the server's S1: its digest answered when it has one, else an echo of S1.</summary>
    public static byte[] ClientAck(ReadOnlySpan<byte> s1)
    {
        var c2 = new byte[Size];
        var serverDigest = FindDigest(s1, ServerKey.AsSpan(0, ServerKeyText), out _);
        if (serverDigest is null)
        {
            s1.CopyTo(c2);
            return c2;
        }
        RandomNumberGenerator.Fill(c2);
        SignTail(c2, HMACSHA256.HashData(PlayerKey, serverDigest));
        return c2;
    }

    /// <summary>The digest of a C1/S1 signed with <paramref name="key"/>, trying both schemes; null when there is none.</summary>
    internal static byte[]? FindDigest(ReadOnlySpan<byte> block, ReadOnlySpan<byte> key, out int scheme)
    {
        scheme = 0;
        if (block.Length != Size || (block[4] | block[5] | block[6] | block[7]) == 0) return null;
        for (var s = 0; s < 2; s++)
        {
            var offset = DigestOffset(block, s);
            var expected = Sign(block, offset, key);
            if (!CryptographicOperations.FixedTimeEquals(expected, block.Slice(offset, DigestLength))) continue;
            scheme = s;
            return expected;
        }
        return null;
    }

    /// <summary>Scheme 0 keeps the digest in bytes 8..771 (its offset from bytes 8..11), scheme 1 in 772..1535 (offset from 772..775).</summary>
    private static int DigestOffset(ReadOnlySpan<byte> block, int scheme)
    {
        var at = scheme == 0 ? 8 : 772;
        return (block[at] + block[at + 1] + block[at + 2] + block[at + 3]) % 728 + at + 4;
    }

    private static void WriteDigest(Span<byte> block, ReadOnlySpan<byte> key, int scheme)
    {
        var offset = DigestOffset(block, scheme);
        Sign(block, offset, key).CopyTo(block[offset..]);
    }

    /// <summary>HMAC-SHA256 of the block without the 32 bytes at <paramref name="offset"/>.</summary>
    private static byte[] Sign(ReadOnlySpan<byte> block, int offset, ReadOnlySpan<byte> key)
    {
        Span<byte> message = stackalloc byte[Size - DigestLength];
        block[..offset].CopyTo(message);
        block[(offset + DigestLength)..].CopyTo(message[offset..]);
        return HMACSHA256.HashData(key, message);
    }

    /// <summary>The last 32 bytes of C2/S2 sign the rest with <paramref name="key"/>.</summary>
    private static void SignTail(Span<byte> block, ReadOnlySpan<byte> key) =>
        HMACSHA256.HashData(key, block[..(Size - DigestLength)]).CopyTo(block[(Size - DigestLength)..]);
}
