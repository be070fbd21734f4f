using System.Buffers.Binary;
using TcpActors.Observability.Pcap;
using TcpActors.Simulation.Network;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Observability.Tests.Pcap;

public class PcapWriterTests
{
    private static readonly Segment Syn = new()
    {
        SrcAddr = Address.Of(10, 0, 0, 1), SrcPort = 40000, DstAddr = Address.Of(172, 16, 0, 1), DstPort = 80,
        Seq = new SeqNum(1000), Flags = TcpFlags.Syn, Window = 64240,
    };

    [Fact]
    public void The_file_starts_with_a_nanosecond_libpcap_header_for_raw_ip()
    {
        var stream = new MemoryStream();
        using (new PcapWriter(stream)) { }

        byte[] b = stream.ToArray();
        Assert.Equal(24, b.Length);
        Assert.Equal(0xA1B23C4Du, BinaryPrimitives.ReadUInt32LittleEndian(b));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(4)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(6)));
        Assert.Equal(65535u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16)));
        Assert.Equal(101u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(20)));
    }

    [Fact]
    public void A_segment_sent_at_twenty_seconds_and_a_bit_is_a_record_stamped_in_virtual_nanoseconds_with_zero_payload()
    {
        var stream = new MemoryStream();
        using var pcap = new PcapWriter(stream);
        var data = Syn with { Flags = TcpFlags.Psh | TcpFlags.Ack, Ack = new SeqNum(1), PayloadLength = 100 };

        pcap.Segment(TimeSpan.FromTicks(20 * TimeSpan.TicksPerSecond + 102_583), 0, LinkDirection.ClientToServer, data, TraceFate.Delivered);
        pcap.Flush();

        byte[] b = stream.ToArray();
        var record = b.AsSpan(24);
        Assert.Equal(20u, BinaryPrimitives.ReadUInt32LittleEndian(record));
        Assert.Equal(10_258_300u, BinaryPrimitives.ReadUInt32LittleEndian(record[4..]));
        Assert.Equal(140u, BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
        Assert.Equal(140u, BinaryPrimitives.ReadUInt32LittleEndian(record[12..]));
        Assert.Equal(24 + 16 + 140, b.Length);
        Assert.All(b[(24 + 16 + 40)..], x => Assert.Equal(0, x));
        Assert.Equal(1, pcap.Packets);
    }

    [Fact]
    public void Dropped_segments_are_captured_too_because_the_capture_point_is_the_senders_interface()
    {
        var stream = new MemoryStream();
        using var pcap = new PcapWriter(stream);

        pcap.Segment(TimeSpan.Zero, 0, LinkDirection.ClientToServer, Syn, TraceFate.Dropped);
        pcap.Segment(TimeSpan.FromSeconds(1), 0, LinkDirection.ClientToServer, Syn, TraceFate.Delivered);
        pcap.State(TimeSpan.FromSeconds(1), 0, TraceSide.Client, TcpState.Closed, TcpState.SynSent);

        Assert.Equal(2, pcap.Packets);
    }

    [Fact]
    public void A_created_capture_appears_under_its_name_only_when_complete()
    {
        using var folder = new TemporaryFolder();
        string path = folder["caps/storm.pcap"];

        var pcap = PcapWriter.Create(path);
        pcap.Segment(TimeSpan.Zero, 0, LinkDirection.ClientToServer, Syn, TraceFate.Delivered);
        Assert.False(File.Exists(path));
        pcap.Complete();

        Assert.Equal([path], Directory.GetFiles(folder["caps"]));
        Assert.Equal(24 + 16 + 40, new FileInfo(path).Length);
    }

    [Fact]
    public void A_capture_disposed_before_it_is_complete_leaves_no_file()
    {
        using var folder = new TemporaryFolder();

        using (var pcap = PcapWriter.Create(folder["storm.pcap"]))
        {
            pcap.Segment(TimeSpan.Zero, 0, LinkDirection.ClientToServer, Syn, TraceFate.Delivered);
        }

        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
