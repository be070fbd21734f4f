using TcpActors.Tcp;

namespace TcpActors.Tcp.Tests;

public class SeqNumTests
{
    [Fact]
    public void Sequence_numbers_compare_modulo_two_to_the_thirty_second()
    {
        var beforeWrap = new SeqNum(0xFFFF_FFF0);
        var afterWrap = beforeWrap + 0x20;

        Assert.Equal(0x10u, afterWrap.Value);
        Assert.True(beforeWrap < afterWrap);
        Assert.True(afterWrap > beforeWrap);
        Assert.Equal(0x20, afterWrap - beforeWrap);
        Assert.True(new SeqNum(5).InWindow(beforeWrap, 0x20));
        Assert.False(afterWrap.InWindow(beforeWrap, 0x20));
    }

    [Fact]
    public void A_segment_to_no_connection_is_answered_as_RFC_9293_closed_state_says()
    {
        var syn = new Segment { SrcAddr = 1, SrcPort = 40000, DstAddr = 2, DstPort = 80, Seq = new SeqNum(1000), Flags = TcpFlags.Syn };
        Assert.True(Segment.TryResetFor(syn, out var rstAck));
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rstAck.Flags);
        Assert.Equal(new SeqNum(1001), rstAck.Ack);
        Assert.Equal((2u, (ushort)80, 1u, (ushort)40000), (rstAck.SrcAddr, rstAck.SrcPort, rstAck.DstAddr, rstAck.DstPort));

        var ack = syn with { Flags = TcpFlags.Ack, Ack = new SeqNum(777) };
        Assert.True(Segment.TryResetFor(ack, out var rst));
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(new SeqNum(777), rst.Seq);

        Assert.False(Segment.TryResetFor(syn with { Flags = TcpFlags.Rst }, out _));
    }
}
