namespace TcpActors.Observability.Pcap;

/// <summary>
/// The Internet checksum of RFC 1071: the one's complement of the one's-complement sum of 16-bit
/// big-endian words, an odd last byte padded with zero. IPv4 (RFC 791 §3.1) and TCP (RFC 9293
/// §3.1, over the pseudo-header) both use it; a header that carries a correct checksum sums to
/// 0xFFFF, which is how a receiver (and Wireshark) checks it.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="bytes"/> to a running 32-bit sum (not yet folded).</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        for (; i + 1 < bytes.Length; i += 2) sum += (uint)(bytes[i] << 8 | bytes[i + 1]);
        if (i < bytes.Length) sum += (uint)(bytes[i] << 8);
        return sum;
    }

    /// <summary>Folds the carries of <paramref name="sum"/> into 16 bits and complements it.</summary>
    public static ushort Finish(uint sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>The checksum of <paramref name="bytes"/> alone.</summary>
    public static ushort Of(ReadOnlySpan<byte> bytes) => Finish(Add(0, bytes));
}
