using System.Buffers.Binary;
using TcpActors.Observability.Pcap;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Pcap;

public class PcapPacketTests
{
    private static readonly uint Client = Address.Of(10, 0, 0, 1);
    private static readonly uint Server = Address.Of(172, 16, 0, 1);

    private static byte[] Headers(in Segment segment, ushort ipId = 7)
    {
        var bytes = new byte[PcapPacket.HeaderLength];
        PcapPacket.WriteHeaders(segment, ipId, bytes);
        return bytes;
    }

    /// <summary>The TCP checksum as a receiver checks it: pseudo-header, header and (zero) payload sum to all ones.</summary>
    private static ushort TcpCheck(byte[] headers, int payloadLength)
    {
        uint sum = InternetChecksum.Add(0, headers.AsSpan(12, 8));
        sum += 6;
        sum += (uint)(PcapPacket.TcpHeaderLength + payloadLength);
        sum = InternetChecksum.Add(sum, headers.AsSpan(PcapPacket.Ipv4HeaderLength, PcapPacket.TcpHeaderLength));
        sum = InternetChecksum.Add(sum, new byte[payloadLength]);
        return InternetChecksum.Finish(sum);
    }

    [Fact]
    public void A_client_syn_becomes_an_ipv4_packet_with_df_ttl_64_and_a_bare_tcp_header()
    {
        var syn = new Segment { SrcAddr = Client, SrcPort = 40000, DstAddr = Server, DstPort = 80, Seq = new SeqNum(1000), Flags = TcpFlags.Syn, Window = 64240 };

        byte[] h = Headers(syn, ipId: 0x1234);

        Assert.Equal(0x45, h[0]);
        Assert.Equal(40, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(2)));
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(4)));
        Assert.Equal(0x4000, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(6)));
        Assert.Equal(64, h[8]);
        Assert.Equal(6, h[9]);
        Assert.Equal(Client, BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(12)));
        Assert.Equal(Server, BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(16)));
        Assert.Equal(40000, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(20)));
        Assert.Equal(80, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(22)));
        Assert.Equal(1000u, BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(24)));
        Assert.Equal(0x50, h[32]);
        Assert.Equal(0x02, h[33]);
        Assert.Equal(64240, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(34)));
    }

    [Fact]
    public void Both_checksums_verify_for_a_data_segment_whose_payload_is_zeros()
    {
        var data = new Segment
        {
            SrcAddr = Server, SrcPort = 80, DstAddr = Client, DstPort = 40000,
            Seq = new SeqNum(5001), Ack = new SeqNum(1101), Flags = TcpFlags.Psh | TcpFlags.Ack, Window = 65535, PayloadLength = 1025,
        };

        byte[] h = Headers(data);

        Assert.Equal(0, InternetChecksum.Of(h.AsSpan(0, PcapPacket.Ipv4HeaderLength)));
        Assert.Equal(0, TcpCheck(h, 1025));
        Assert.Equal(40 + 1025, BinaryPrimitives.ReadUInt16BigEndian(h.AsSpan(2)));
    }

    [Fact]
    public void The_checksum_covers_the_pseudo_header_so_another_destination_breaks_it()
    {
        var ack = new Segment { SrcAddr = Client, SrcPort = 40000, DstAddr = Server, DstPort = 80, Seq = new SeqNum(1), Ack = new SeqNum(2), Flags = TcpFlags.Ack, Window = 1000 };
        byte[] h = Headers(ack);

        h[19] ^= 1; // another server address, TCP checksum left as it was

        Assert.NotEqual(0, TcpCheck(h, 0));
    }

    [Fact]
    public void Without_the_ack_flag_the_acknowledgment_field_is_zero_as_a_kernel_sends_it()
    {
        // A RST answering an ACK carries SEQ=SEG.ACK and no ACK (RFC 9293 §3.10.7.1); whatever the
        // struct holds in Ack must not reach the wire, or Wireshark notes a "nonzero ack without ACK".
        var rst = new Segment { SrcAddr = Server, SrcPort = 80, DstAddr = Client, DstPort = 40000, Seq = new SeqNum(9), Ack = new SeqNum(12345), Flags = TcpFlags.Rst };

        byte[] h = Headers(rst);

        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(28)));
        Assert.Equal(0, TcpCheck(h, 0));
    }
}
