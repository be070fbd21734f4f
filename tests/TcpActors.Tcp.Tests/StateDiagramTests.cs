namespace TcpActors.Tcp.Tests;

/// <summary>
/// One test per arrow of RFC 9293 figure 5 (plus the arrows its text adds: SYN_RECEIVED back to
/// LISTEN on RST, FIN_WAIT_1 through to TIME_WAIT on FIN+ACK). Each starts from a couple put in the
/// state by the harness and checks the arrow, its trigger and what it sends.
/// </summary>
public class StateDiagramTests
{
    private static readonly TimeSpan Ms10 = TimeSpan.FromMilliseconds(10);

    private static void AssertArrow(Couple couple, Side side, TcpState from, TcpState to)
    {
        Assert.True(couple.States.Any(s => s.Side == side && s.From == from && s.To == to),
            $"expected {side} {from} -> {to}\n{couple.Ladder()}");
    }

    // --- CLOSED ---

    [Fact]
    public void Closed_goes_to_listen_on_a_passive_open_and_sends_nothing()
    {
        var couple = new Couple();
        Assert.Equal(TcpError.None, couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink));

        AssertArrow(couple, Side.Server, TcpState.Closed, TcpState.Listen);
        Assert.Empty(couple.Sent);
        Assert.Equal(TimeSpan.MaxValue, couple.Server.NextDeadline);
    }

    [Fact]
    public void Closed_goes_to_syn_sent_on_an_active_open_sending_a_syn()
    {
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);

        AssertArrow(couple, Side.Client, TcpState.Closed, TcpState.SynSent);
        var syn = Assert.Single(couple.Sent);
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal(Couple.ClientIss, syn.Segment.Seq);
        Assert.Equal(TimeSpan.FromSeconds(1), couple.Client.NextDeadline);
    }

    // --- LISTEN ---

    [Fact]
    public void Listen_goes_to_syn_received_on_a_syn_answering_with_syn_ack()
    {
        var couple = new Couple().Open();
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Server, TcpState.Listen, TcpState.SynReceived);
        var synAck = couple.SentBy(Side.Server).Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(Couple.ServerIss, synAck.Segment.Seq);
        Assert.Equal(Couple.ClientIss + 1, synAck.Segment.Ack);
        Assert.Equal(Couple.ServerTuple, couple.Server.Tuple);
    }

    [Fact]
    public void Listen_goes_to_syn_sent_when_told_to_send_to_a_foreign_socket()
    {
        var couple = new Couple();
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        Assert.Equal(TcpError.None, couple.Server.Connect(couple.Now, Couple.ServerTuple, Couple.ServerIss, couple.ServerSink));

        AssertArrow(couple, Side.Server, TcpState.Listen, TcpState.SynSent);
        Assert.Equal(TcpFlags.Syn, couple.SentBy(Side.Server).Single().Flags);
    }

    [Fact]
    public void Listen_goes_to_closed_on_close()
    {
        var couple = new Couple();
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        couple.Server.Close(couple.Now, couple.ServerSink);

        AssertArrow(couple, Side.Server, TcpState.Listen, TcpState.Closed);
        Assert.Empty(couple.Sent);
        Assert.Contains(TcpEvent.Closed, couple.EventsOf(Side.Server));
    }

    // --- SYN_SENT ---

    [Fact]
    public void Syn_sent_goes_to_closed_on_close_sending_nothing()
    {
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.Client.Close(couple.Now, couple.ClientSink);

        AssertArrow(couple, Side.Client, TcpState.SynSent, TcpState.Closed);
        Assert.Single(couple.Sent); // only the SYN
        Assert.Equal(TimeSpan.MaxValue, couple.Client.NextDeadline);
    }

    [Fact]
    public void Syn_sent_goes_to_syn_received_on_a_crossing_syn_answering_with_syn_ack()
    {
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.Server.Connect(couple.Now, Couple.ServerTuple, Couple.ServerIss, couple.ServerSink);
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Client, TcpState.SynSent, TcpState.SynReceived);
        var synAck = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(Couple.ClientIss, synAck.Segment.Seq);
        Assert.Equal(Couple.ServerIss + 1, synAck.Segment.Ack);
    }

    [Fact]
    public void Syn_sent_goes_to_established_on_syn_ack_answering_with_ack()
    {
        var couple = new Couple().Open();
        couple.DriveFor(TimeSpan.FromMilliseconds(20));

        AssertArrow(couple, Side.Client, TcpState.SynSent, TcpState.Established);
        var ack = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(Couple.ClientIss + 1, ack.Segment.Seq);
        Assert.Equal(Couple.ServerIss + 1, ack.Segment.Ack);
        Assert.Contains(TcpEvent.Established, couple.EventsOf(Side.Client));
    }

    // --- SYN_RECEIVED ---

    [Fact]
    public void Syn_received_goes_to_established_on_the_ack_of_its_syn()
    {
        var couple = new Couple().Open();
        couple.DriveFor(TimeSpan.FromMilliseconds(30));

        AssertArrow(couple, Side.Server, TcpState.SynReceived, TcpState.Established);
        Assert.Contains(TcpEvent.Established, couple.EventsOf(Side.Server));
        Assert.Equal(TimeSpan.MaxValue, couple.Server.NextDeadline);
    }

    [Fact]
    public void Syn_received_goes_to_fin_wait_1_on_close_sending_fin()
    {
        var couple = new Couple().Open();
        couple.DriveFor(Ms10);
        Assert.Equal(TcpState.SynReceived, couple.Server.State);

        couple.Server.ShutdownWrite(couple.Now, couple.ServerSink);

        AssertArrow(couple, Side.Server, TcpState.SynReceived, TcpState.FinWait1);
        var fin = couple.SentBy(Side.Server).Last();
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
        Assert.Equal(Couple.ServerIss + 1, fin.Segment.Seq);

        // The client completes its handshake, sees the FIN and the server half-closes cleanly.
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.CloseWait, couple.Client.State);
        Assert.Equal(TcpState.FinWait2, couple.Server.State);
    }

    [Fact]
    public void Syn_received_returns_to_listen_on_rst()
    {
        var couple = new Couple();
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        var syn = new Segment { SrcAddr = Couple.ClientAddr, SrcPort = Couple.ClientPort, DstAddr = Couple.ServerAddr, DstPort = Couple.ServerPort, Seq = new SeqNum(777), Flags = TcpFlags.Syn, Window = 65535 };
        couple.Inject(Side.Server, syn);
        couple.DriveFor(Ms10);
        Assert.Equal(TcpState.SynReceived, couple.Server.State);

        couple.Inject(Side.Server, syn with { Seq = new SeqNum(778), Flags = TcpFlags.Rst });
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Server, TcpState.SynReceived, TcpState.Listen);
        Assert.Equal(TcpState.Listen, couple.Server.State);
        Assert.Equal(new FourTuple(Couple.ServerAddr, Couple.ServerPort, 0, 0), couple.Server.Tuple);
        Assert.Contains(TcpEvent.ReturnedToListen, couple.EventsOf(Side.Server));
        Assert.Equal(TimeSpan.MaxValue, couple.Server.NextDeadline);
    }

    // --- ESTABLISHED ---

    [Fact]
    public void Established_goes_to_fin_wait_1_on_close_sending_fin()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);

        AssertArrow(couple, Side.Client, TcpState.Established, TcpState.FinWait1);
        var fin = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
        Assert.Equal(Couple.ClientIss + 1, fin.Segment.Seq);
    }

    [Fact]
    public void Established_goes_to_close_wait_on_fin()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Server, TcpState.Established, TcpState.CloseWait);
        Assert.Contains(TcpEvent.PeerClosed, couple.EventsOf(Side.Server));
        Assert.True(couple.Server.PeerClosed);
    }

    // --- FIN_WAIT_1 ---

    [Fact]
    public void Fin_wait_1_goes_to_fin_wait_2_on_the_ack_of_its_fin()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(100));

        AssertArrow(couple, Side.Client, TcpState.FinWait1, TcpState.FinWait2);
    }

    [Fact]
    public void Fin_wait_1_goes_to_closing_on_a_fin_that_does_not_ack_its_own()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Client, TcpState.FinWait1, TcpState.Closing);
        AssertArrow(couple, Side.Server, TcpState.FinWait1, TcpState.Closing);
        var ack = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(Couple.ServerIss + 2, ack.Segment.Ack);
    }

    [Fact]
    public void Fin_wait_1_passes_through_fin_wait_2_to_time_wait_on_a_fin_that_acks_its_own()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(Ms10);
        couple.Server.Close(couple.Now, couple.ServerSink); // within the delayed ACK: FIN carries the ACK
        couple.DriveFor(Ms10);

        Assert.Equal(
            [TcpState.SynSent, TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait],
            couple.StatesOf(Side.Client));
        Assert.True(couple.States.Last(s => s.Side == Side.Client).At == couple.Now);
    }

    // --- FIN_WAIT_2 ---

    [Fact]
    public void Fin_wait_2_goes_to_time_wait_on_fin_answering_with_ack()
    {
        var couple = Couple.ServerInLastAck();
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Client, TcpState.FinWait2, TcpState.TimeWait);
        var ack = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(Couple.ServerIss + 2, ack.Segment.Ack);
    }

    // --- CLOSE_WAIT ---

    [Fact]
    public void Close_wait_goes_to_last_ack_on_close_sending_fin()
    {
        var couple = Couple.ClientInFinWait2();
        couple.Server.Close(couple.Now, couple.ServerSink);

        AssertArrow(couple, Side.Server, TcpState.CloseWait, TcpState.LastAck);
        var fin = couple.SentBy(Side.Server).Last();
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, fin.Flags);
        Assert.Equal(Couple.ServerIss + 1, fin.Segment.Seq);
        Assert.Equal(Couple.ClientIss + 2, fin.Segment.Ack);
    }

    // --- CLOSING ---

    [Fact]
    public void Closing_goes_to_time_wait_on_the_ack_of_its_fin()
    {
        var couple = Couple.BothClosing();
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Client, TcpState.Closing, TcpState.TimeWait);
        AssertArrow(couple, Side.Server, TcpState.Closing, TcpState.TimeWait);
    }

    // --- LAST_ACK ---

    [Fact]
    public void Last_ack_goes_to_closed_on_the_ack_of_its_fin()
    {
        var couple = Couple.ServerInLastAck();
        couple.DriveFor(TimeSpan.FromMilliseconds(20));

        AssertArrow(couple, Side.Server, TcpState.LastAck, TcpState.Closed);
        Assert.Equal(TcpEvent.Closed, couple.EventsOf(Side.Server).Last());
    }

    // --- TIME_WAIT ---

    [Fact]
    public void Time_wait_goes_to_closed_when_two_msl_expire()
    {
        var couple = Couple.ClientInTimeWait();
        couple.DriveUntilIdle();

        AssertArrow(couple, Side.Client, TcpState.TimeWait, TcpState.Closed);
        var entered = couple.States.Single(s => s.Side == Side.Client && s.To == TcpState.TimeWait).At;
        var left = couple.States.Single(s => s.Side == Side.Client && s.From == TcpState.TimeWait).At;
        Assert.Equal(TimeSpan.FromSeconds(60), left - entered);
    }

    // --- RST arrows of the text (§3.10.7.4) ---

    [Fact]
    public void Established_goes_to_closed_on_an_exact_rst_reporting_reset()
    {
        var couple = Couple.Established();
        couple.Server.Abort(couple.Now, couple.ServerSink);
        couple.DriveFor(Ms10);

        AssertArrow(couple, Side.Client, TcpState.Established, TcpState.Closed);
        Assert.Equal([TcpEvent.Established, TcpEvent.Reset, TcpEvent.Closed], couple.EventsOf(Side.Client));
    }

    [Theory]
    [InlineData(TcpState.FinWait1)]
    [InlineData(TcpState.FinWait2)]
    [InlineData(TcpState.CloseWait)]
    [InlineData(TcpState.Closing)]
    [InlineData(TcpState.LastAck)]
    public void Every_synchronized_state_goes_to_closed_on_an_exact_rst_reporting_reset(TcpState state)
    {
        var (couple, side) = state switch
        {
            TcpState.FinWait1 => (ClientInFinWait1(), Side.Client),
            TcpState.FinWait2 => (Couple.ClientInFinWait2(), Side.Client),
            TcpState.CloseWait => (Couple.ClientInFinWait2(), Side.Server),
            TcpState.Closing => (Couple.BothClosing(), Side.Client),
            _ => (Couple.ServerInLastAck(), Side.Server),
        };
        var endpoint = couple[side];
        Assert.Equal(state, endpoint.State);
        var to = side == Side.Client ? Couple.ClientTuple : Couple.ServerTuple;
        var rst = new Segment
        {
            SrcAddr = to.RemoteAddr, SrcPort = to.RemotePort, DstAddr = to.LocalAddr, DstPort = to.LocalPort,
            Seq = endpoint.RcvNxt, Flags = TcpFlags.Rst,
        };
        int sent = couple.Sent.Count;
        endpoint.OnSegment(couple.Now, rst, couple.SinkOf(side));

        Assert.Equal(TcpState.Closed, endpoint.State);
        AssertArrow(couple, side, state, TcpState.Closed);
        Assert.Equal([TcpEvent.Reset, TcpEvent.Closed], couple.EventsOf(side).TakeLast(2));
        Assert.Equal(sent, couple.Sent.Count); // no RST answers a RST
        Assert.Equal(TimeSpan.MaxValue, endpoint.NextDeadline);
    }

    [Fact]
    public void An_actively_opened_syn_received_goes_to_closed_on_rst_reporting_refused()
    {
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.Server.Connect(couple.Now, Couple.ServerTuple, Couple.ServerIss, couple.ServerSink);
        couple.LoseAllFrom(Side.Server);
        couple.DriveFor(Ms10);
        Assert.Equal(TcpState.SynReceived, couple.Client.State);

        couple.Client.OnSegment(couple.Now, couple.SentBy(Side.Server).Last().Segment with { Flags = TcpFlags.Rst, Seq = couple.Client.RcvNxt }, couple.ClientSink);

        AssertArrow(couple, Side.Client, TcpState.SynReceived, TcpState.Closed);
        Assert.Equal([TcpEvent.Refused, TcpEvent.Closed], couple.EventsOf(Side.Client));
    }

    private static Couple ClientInFinWait1()
    {
        var couple = Couple.Established();
        couple.LoseAllFrom(Side.Client);
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.Lose = null;
        return couple;
    }

    // --- SYN cookies (host side) ---

    [Fact]
    public void A_syn_cookie_ack_makes_an_established_child_without_any_state_held_before()
    {
        var couple = new Couple();
        couple.LoseAllFrom(Side.Client); // the host, not the endpoint, answers the SYN
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        var syn = couple.Sent.Single().Segment;
        var cookie = new SeqNum(0xC00C1E);
        var synAck = TcpEndpoint.SynAckFor(syn, cookie, TcpProfile.Linux);
        Assert.Equal((TcpFlags.Syn | TcpFlags.Ack, Couple.ClientIss + 1), (synAck.Flags, synAck.Ack));
        couple.Inject(Side.Client, synAck);
        couple.DriveFor(Ms10);
        var thirdAck = couple.SentBy(Side.Client).Last().Segment;

        Assert.Equal(TcpError.None, couple.Server.AcceptCookieAck(couple.Now, thirdAck, cookie, couple.ServerSink));

        Assert.Equal([TcpState.SynReceived, TcpState.Established], couple.StatesOf(Side.Server));
        Assert.Equal(Couple.ServerTuple, couple.Server.Tuple);
        Assert.Throws<ArgumentException>(() => new TcpEndpoint(TcpProfile.Linux).AcceptCookieAck(couple.Now, thirdAck, cookie + 5, couple.ServerSink));
        couple.Lose = null;
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.Server.Send(couple.Now, 200, couple.ServerSink);
        couple.DriveUntilIdle();
        Assert.Equal(100, couple.Server.BytesToRead);
        Assert.Equal(200, couple.Client.BytesToRead);
    }
}
