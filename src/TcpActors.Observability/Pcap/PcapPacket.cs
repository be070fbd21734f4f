using System.Buffers.Binary;
using System.Diagnostics;
using TcpActors.Tcp;

namespace TcpActors.Observability.Pcap;

/// <summary>
/// Lays out a simulated <see cref="Segment"/> as the IPv4 packet a kernel would send: a 20-byte IPv4
/// header (RFC 791 §3.1: no options, DF set as Linux does with path-MTU discovery, TTL 64), a 20-byte
/// TCP header (RFC 9293 §3.1; SYNs may carry the profile's kernel options) and the payload, whose bytes the simulator never carries
/// and which are therefore zeros. Both checksums are computed, so the packet passes Wireshark's
/// checksum validation.
/// </summary>
public static class PcapPacket
{
    /// <summary>IPv4 header length without options.</summary>
    public const int Ipv4HeaderLength = 20;

    /// <summary>TCP header length without options.</summary>
    public const int TcpHeaderLength = 20;

    /// <summary>TCP options take at most 40 bytes (the data offset counts up to 15 words).</summary>
    public const int MaxOptionsLength = 40;

    /// <summary>Both headers.</summary>
    public const int HeaderLength = Ipv4HeaderLength + TcpHeaderLength;

    /// <summary>The largest payload an IPv4 packet (total length ≤ 65,535) can carry behind both headers.</summary>
    public const int MaxPayloadLength = ushort.MaxValue - HeaderLength;

    private const byte ProtocolTcp = 6;
    private const byte DefaultTtl = 64; // Linux net.ipv4.ip_default_ttl (ip-sysctl.rst)

    /// <summary>
    /// Writes the IPv4 and TCP headers of <paramref name="segment"/> into the first
    /// <see cref="HeaderLength"/> bytes of <paramref name="headers"/>. The payload is
    /// <paramref name="segment"/>'s length in zeros (capped at <see cref="MaxPayloadLength"/>), which
    /// adds nothing to the TCP checksum but its length in the pseudo-header.
    /// </summary>
    /// <returns>The packet's total length: headers plus payload.</returns>
    public static int WriteHeaders(in Segment segment, ushort ipId, Span<byte> headers) =>
        WriteHeaders(segment, ipId, segment.Window, [], headers);

    /// <summary>
    /// As <see cref="WriteHeaders(in Segment, ushort, Span{byte})"/>, with TCP <paramref name="options"/>
    /// (already in wire format, padded to 32-bit words, at most <see cref="MaxOptionsLength"/> bytes) after
    /// the fixed TCP header and <paramref name="window"/> as the window field: how a SYN is dressed as
    /// the profile's kernel writes it (<see cref="TcpActors.Tcp.Headers.KernelSynOptions"/>).
    /// </summary>
    /// <returns>The packet's total length: headers, options and payload.</returns>
    public static int WriteHeaders(in Segment segment, ushort ipId, ushort window, ReadOnlySpan<byte> options, Span<byte> headers)
    {
        Debug.Assert(options.Length % 4 == 0 && options.Length <= MaxOptionsLength);
        int tcpLength = TcpHeaderLength + options.Length;
        Debug.Assert(headers.Length >= Ipv4HeaderLength + tcpLength);
        int payload = Math.Min((int)segment.PayloadLength, MaxPayloadLength - options.Length);
        int total = Ipv4HeaderLength + tcpLength + payload;
        Span<byte> ip = headers[..Ipv4HeaderLength];
        Span<byte> tcp = headers.Slice(Ipv4HeaderLength, tcpLength);
        options.CopyTo(tcp[TcpHeaderLength..]);

        ip[0] = 0x45; // version 4, IHL 5 words
        ip[1] = 0;    // DSCP/ECN
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)total);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // DF, fragment offset 0
        ip[8] = DefaultTtl;
        ip[9] = ProtocolTcp;
        ip[10] = 0; ip[11] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], segment.SrcAddr);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], segment.DstAddr);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Of(ip));

        BinaryPrimitives.WriteUInt16BigEndian(tcp, segment.SrcPort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], segment.DstPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], segment.Seq.Value);
        // RFC 9293 §3.1: the acknowledgment field is meaningful only with ACK; a kernel sends zero
        // there otherwise, and Wireshark warns about a non-zero one.
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], segment.Has(TcpFlags.Ack) ? segment.Ack.Value : 0u);
        tcp[12] = (byte)(tcpLength / 4 << 4); // data offset in 32-bit words, reserved bits zero
        tcp[13] = (byte)segment.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        tcp[16] = 0; tcp[17] = 0;                                     // checksum, computed below
        BinaryPrimitives.WriteUInt16BigEndian(tcp[18..], 0);          // urgent pointer

        // RFC 9293 §3.1 pseudo-header: source, destination, zero, protocol, TCP length.
        uint sum = InternetChecksum.Add(0, ip.Slice(12, 8));
        sum += ProtocolTcp;
        sum += (uint)(tcpLength + payload);
        sum = InternetChecksum.Add(sum, tcp);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], InternetChecksum.Finish(sum));
        return total;
    }
}
