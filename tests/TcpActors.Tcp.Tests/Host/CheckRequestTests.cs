using TcpActors.Tcp.Host;
using static TcpActors.Tcp.Tests.Host.HostFixtures;

namespace TcpActors.Tcp.Tests.Host;

/// <summary>
/// The handshake's final ACK meets the listener in the host, before any socket sees it: Linux's
/// <c>tcp_check_req()</c> (net/ipv4/tcp_minisocks.c) judges it against the request sock, which
/// keeps the SYN-ACK's sequence number (<c>snt_isn</c>) and the SYN's (<c>rcv_isn</c>); only an
/// ACK of exactly ISS + 1 with an acceptable sequence number (RFC 9293 §3.10.7.4) takes the
/// accept queue's decision. Anything else goes to the half-open connection as it is.
/// </summary>
public class CheckRequestTests
{
    private static readonly SeqNum Iss = new(2000);
    private static readonly SeqNum Irs = new(999);

    private static (TcpHost Server, Listener Listener, FourTuple Tuple) HalfOpen(int acceptBacklog = 4, bool abortOnOverflow = false)
    {
        var server = new TcpHost(ServerAddr, Linux with { SynBacklog = 8, AcceptBacklog = acceptBacklog, AbortOnOverflow = abortOnOverflow });
        Listener listener = server.Listen(Http, acceptBacklog);
        FourTuple tuple = ServerTuple(40000);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(tuple, 7, Iss, Irs));
        return (server, listener, tuple);
    }

    private static Segment FinalAck(FourTuple tuple, SeqNum seq, SeqNum ack, TcpFlags flags = TcpFlags.Ack) =>
        Arriving(tuple, flags) with { Seq = seq, Ack = ack };

    [Fact]
    public void The_ack_of_exactly_the_syn_ack_moves_the_connection_to_the_accept_queue()
    {
        var (server, listener, tuple) = HalfOpen();
        Demultiplexed found = server.Demux(FinalAck(tuple, Irs + 1, Iss + 1));
        Assert.True(found.HalfOpen);

        Assert.Equal(AckDecision.Accept, server.CheckRequest(FinalAck(tuple, Irs + 1, Iss + 1), receiveWindow: 65535));
        Assert.Equal((0, 1), (listener.SynQueueLength, listener.AcceptQueueLength));
        Assert.False(server.Demux(FinalAck(tuple, Irs + 1, Iss + 1)).HalfOpen);
    }

    [Theory]
    [InlineData(0, 2, TcpFlags.Ack)]                 // acknowledges the SYN-ACK plus one: not the final ACK
    [InlineData(0, 0, TcpFlags.Ack)]                 // acknowledges less than the SYN-ACK
    [InlineData(70000, 1, TcpFlags.Ack)]             // sequence number outside the receive window
    [InlineData(0, 1, TcpFlags.Ack | TcpFlags.Rst)]  // a RST is the connection's to judge
    [InlineData(0, 1, TcpFlags.Ack | TcpFlags.Syn)]  // a retransmitted SYN,ACK is not an ACK
    public void Anything_but_the_final_ack_goes_to_the_half_open_connection_untouched(int seqOffset, int ackOffset, TcpFlags flags)
    {
        var (server, listener, tuple) = HalfOpen();
        Assert.Null(server.CheckRequest(FinalAck(tuple, Irs + 1 + (uint)seqOffset, Iss + (uint)ackOffset, flags), receiveWindow: 65535));
        Assert.Equal((1, 0), (listener.SynQueueLength, listener.AcceptQueueLength));
    }

    [Fact]
    public void With_the_accept_queue_full_the_final_ack_is_dropped_or_with_abort_on_overflow_reset()
    {
        var (server, listener, tuple) = HalfOpen(acceptBacklog: 1);
        FourTuple first = ServerTuple(40001);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(first, 8, Iss, Irs));
        Assert.Equal(AckDecision.Accept, server.CheckRequest(FinalAck(first, Irs + 1, Iss + 1), 65535));

        Assert.Equal(AckDecision.Drop, server.CheckRequest(FinalAck(tuple, Irs + 1, Iss + 1), 65535));
        Assert.True(server.Demux(FinalAck(tuple, Irs + 1, Iss + 1)).HalfOpen);

        var (aborting, _, abortTuple) = HalfOpen(acceptBacklog: 1, abortOnOverflow: true);
        FourTuple other = ServerTuple(40001);
        Assert.Equal(SynDecision.Admit, aborting.OfferSyn(other, 8, Iss, Irs));
        Assert.Equal(AckDecision.Accept, aborting.CheckRequest(FinalAck(other, Irs + 1, Iss + 1), 65535));
        Assert.Equal(AckDecision.Reset, aborting.CheckRequest(FinalAck(abortTuple, Irs + 1, Iss + 1), 65535));
        Assert.False(aborting.TryGetConnection(abortTuple, out _));
        // Without abort_on_overflow the dropped one is still half-open beside the accepted one.
        Assert.Equal((1, 1), (listener.SynQueueLength, listener.AcceptQueueLength));
    }

    [Fact]
    public void A_syn_offered_without_its_sequence_numbers_leaves_the_final_ack_to_the_caller()
    {
        var server = new TcpHost(ServerAddr, Linux);
        server.Listen(Http, 4);
        FourTuple tuple = ServerTuple(40000);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(tuple, 7));
        Assert.Null(server.CheckRequest(FinalAck(tuple, Irs + 1, Iss + 1), 65535));
    }
}

/// <summary>
/// A SYN for a tuple held in TIME_WAIT (Linux tcp_timewait_state_process(), RFC 6191): beyond the
/// old connection's RCV.NXT and with a listener waiting, it ends the TIME_WAIT and the listener
/// takes it; otherwise the TIME_WAIT endpoint answers it.
/// </summary>
public class TimeWaitReopenTests
{
    private static readonly SeqNum RcvNxt = new(5000);

    private static (TcpHost Server, FourTuple Tuple) InTimeWait(bool listening = true)
    {
        var server = new TcpHost(ServerAddr, Linux);
        if (listening) server.Listen(Http, 4);
        FourTuple tuple = ServerTuple(40000);
        Assert.True(server.Register(tuple, 3));
        Assert.True(server.EnterTimeWait(tuple, 3, TimeSpan.FromSeconds(1), RcvNxt));
        return (server, tuple);
    }

    [Fact]
    public void A_syn_beyond_the_old_connection_ends_the_time_wait_and_the_listener_takes_it()
    {
        var (server, tuple) = InTimeWait();
        Segment syn = Arriving(tuple, TcpFlags.Syn) with { Seq = RcvNxt + 1 };
        Assert.True(server.Demux(syn).TimeWait);

        Assert.True(server.TryReopenTimeWait(syn, out int old));
        Assert.Equal(3, old);
        Assert.False(server.TryGetConnection(tuple, out _));
        Assert.Equal(0, server.TimeWaitCount);
        Assert.Equal(1, server.Counters.TimeWaitReopened);
        Assert.Equal(SynDecision.Admit, server.OfferSyn(tuple, 4, new SeqNum(77), syn.Seq));
    }

    [Theory]
    [InlineData(0u, TcpFlags.Syn, true)]               // at RCV.NXT: an old duplicate, not a new connection
    [InlineData(1u, TcpFlags.Syn | TcpFlags.Ack, true)] // a SYN,ACK is not a connection request
    [InlineData(1u, TcpFlags.Syn | TcpFlags.Rst, true)]
    [InlineData(1u, TcpFlags.Syn, false)]              // nobody listens: the TIME_WAIT answers
    public void Any_other_syn_leaves_the_time_wait_alone(uint beyond, TcpFlags flags, bool listening)
    {
        var (server, tuple) = InTimeWait(listening);
        Assert.False(server.TryReopenTimeWait(Arriving(tuple, flags) with { Seq = RcvNxt + beyond }, out _));
        Assert.True(server.IsTimeWait(tuple));
        Assert.Equal(0, server.Counters.TimeWaitReopened);
    }
}
