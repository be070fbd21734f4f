namespace TcpActors.Tcp.Tests;

/// <summary>RST rules: RFC 9293 §3.10.7, RFC 5961 §3–4, RFC 1337, and the user's abort.</summary>
public class ResetRulesTests
{
    private static readonly TimeSpan Ms10 = TimeSpan.FromMilliseconds(10);

    /// <summary>A segment from the client to the server, as a template for hand-made segments.</summary>
    private static Segment ToServer(SeqNum seq, TcpFlags flags, SeqNum ack = default) => new()
    {
        SrcAddr = Couple.ClientAddr, SrcPort = Couple.ClientPort, DstAddr = Couple.ServerAddr, DstPort = Couple.ServerPort,
        Seq = seq, Ack = ack, Flags = flags, Window = 65535,
    };

    [Fact]
    public void An_exact_rst_resets_an_established_connection()
    {
        var couple = Couple.Established();
        couple.Inject(Side.Server, ToServer(couple.Server.RcvNxt, TcpFlags.Rst));
        couple.DriveFor(Ms10);

        Assert.Equal(TcpState.Closed, couple.Server.State);
        Assert.Equal([TcpEvent.Established, TcpEvent.Reset, TcpEvent.Closed], couple.EventsOf(Side.Server));
    }

    [Fact]
    public void An_in_window_rst_that_is_not_exact_gets_a_challenge_ack_and_changes_nothing()
    {
        var couple = Couple.Established();
        var rcvNxt = couple.Server.RcvNxt;
        couple.Inject(Side.Server, ToServer(rcvNxt + 100, TcpFlags.Rst));
        couple.DriveFor(Ms10);

        Assert.Equal(TcpState.Established, couple.Server.State);
        var challenge = couple.SentBy(Side.Server).Last();
        Assert.Equal(TcpFlags.Ack, challenge.Flags);
        Assert.Equal(rcvNxt, challenge.Segment.Ack);
        Assert.Equal(couple.Server.SndNxt, challenge.Segment.Seq);
    }

    [Fact]
    public void A_rst_outside_the_window_is_dropped_silently()
    {
        var couple = Couple.Established();
        int sent = couple.Sent.Count;
        couple.Inject(Side.Server, ToServer(couple.Server.RcvNxt + 100_000, TcpFlags.Rst));
        couple.Inject(Side.Server, ToServer(couple.Server.RcvNxt - 1, TcpFlags.Rst));
        couple.DriveFor(Ms10);

        Assert.Equal(TcpState.Established, couple.Server.State);
        Assert.Equal(sent, couple.Sent.Count);
    }

    [Fact]
    public void A_rst_is_never_answered_with_a_rst_in_closed_or_listen()
    {
        var couple = new Couple();
        couple.Client.OnSegment(couple.Now, ToServer(new SeqNum(1), TcpFlags.Rst), couple.ClientSink);
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        couple.Server.OnSegment(couple.Now, ToServer(new SeqNum(1), TcpFlags.Rst | TcpFlags.Ack, new SeqNum(9)), couple.ServerSink);

        Assert.Empty(couple.Sent);
        Assert.Equal(TcpState.Listen, couple.Server.State);
    }

    [Fact]
    public void A_segment_for_a_connection_that_does_not_exist_gets_rst()
    {
        var couple = new Couple();
        couple.Server.OnSegment(couple.Now, ToServer(new SeqNum(1), TcpFlags.Ack | TcpFlags.Psh, new SeqNum(4242)) with { PayloadLength = 10 }, couple.ServerSink);

        var rst = Assert.Single(couple.Sent);
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(new SeqNum(4242), rst.Segment.Seq);
    }

    [Fact]
    public void An_ack_to_a_listener_gets_rst_with_the_acks_number()
    {
        var couple = new Couple();
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        couple.Server.OnSegment(couple.Now, ToServer(new SeqNum(1), TcpFlags.Ack, new SeqNum(77)), couple.ServerSink);

        var rst = Assert.Single(couple.Sent);
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(new SeqNum(77), rst.Segment.Seq);
        Assert.Equal(TcpState.Listen, couple.Server.State);
    }

    [Fact]
    public void A_rst_in_syn_sent_counts_only_with_an_acceptable_ack()
    {
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        var fromServer = new Segment
        {
            SrcAddr = Couple.ServerAddr, SrcPort = Couple.ServerPort, DstAddr = Couple.ClientAddr, DstPort = Couple.ClientPort,
            Flags = TcpFlags.Rst, Seq = new SeqNum(0),
        };
        couple.Client.OnSegment(couple.Now, fromServer, couple.ClientSink); // no ACK: ignored
        couple.Client.OnSegment(couple.Now, fromServer with { Flags = TcpFlags.Rst | TcpFlags.Ack, Ack = Couple.ClientIss + 7 }, couple.ClientSink); // bad ACK: ignored
        Assert.Equal(TcpState.SynSent, couple.Client.State);
        Assert.Single(couple.Sent);

        couple.Client.OnSegment(couple.Now, fromServer with { Flags = TcpFlags.Rst | TcpFlags.Ack, Ack = Couple.ClientIss + 1 }, couple.ClientSink);
        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Equal([TcpEvent.Refused, TcpEvent.Closed], couple.EventsOf(Side.Client));
    }

    [Fact]
    public void A_syn_in_established_gets_a_challenge_ack_and_never_a_reset()
    {
        var couple = Couple.Established();
        couple.Inject(Side.Server, ToServer(couple.Server.RcvNxt + 10, TcpFlags.Syn));
        couple.DriveFor(Ms10);

        Assert.Equal(TcpState.Established, couple.Server.State);
        var challenge = couple.SentBy(Side.Server).Last();
        Assert.Equal(TcpFlags.Ack, challenge.Flags);
        Assert.Equal(couple.Server.RcvNxt, challenge.Segment.Ack);
    }

    [Fact]
    public void A_rst_in_time_wait_ends_it_early_on_linux()
    {
        var couple = Couple.ClientInTimeWait(TcpProfile.Linux);
        couple.Inject(Side.Client, couple.SentBy(Side.Server).Last().Segment with { Flags = TcpFlags.Rst, Seq = couple.Client.RcvNxt });
        couple.DriveFor(Ms10);

        Assert.Equal(TcpState.Closed, couple.Client.State);
    }

    [Fact]
    public void A_rst_in_time_wait_is_ignored_when_rfc1337_is_on()
    {
        var couple = Couple.ClientInTimeWait(TcpProfile.Bsd);
        couple.Inject(Side.Client, couple.SentBy(Side.Server).Last().Segment with { Flags = TcpFlags.Rst, Seq = couple.Client.RcvNxt });
        couple.DriveFor(Ms10);

        Assert.Equal(TcpState.TimeWait, couple.Client.State);
    }

    [Fact]
    public void Abort_sends_rst_and_skips_time_wait()
    {
        var couple = Couple.Established();
        Assert.Equal(TcpError.None, couple.Client.Abort(couple.Now, couple.ClientSink));

        var rst = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.Equal(couple.Client.SndNxt, rst.Segment.Seq);
        Assert.Equal([TcpState.SynSent, TcpState.Established, TcpState.Closed], couple.StatesOf(Side.Client));
        Assert.Equal([TcpEvent.Established, TcpEvent.Aborted, TcpEvent.Closed], couple.EventsOf(Side.Client));

        couple.DriveUntilIdle();
        Assert.Equal(TcpState.Closed, couple.Server.State);
        Assert.Contains(TcpEvent.Reset, couple.EventsOf(Side.Server));
    }

    [Fact]
    public void Close_with_unread_data_sends_rst_instead_of_fin()
    {
        var couple = Couple.Established();
        couple.Client.Send(couple.Now, 300, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(300, couple.Server.BytesToRead);

        couple.Server.Close(couple.Now, couple.ServerSink);

        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, couple.SentBy(Side.Server).Last().Flags);
        Assert.DoesNotContain(couple.SentBy(Side.Server), s => s.Flags.HasFlag(TcpFlags.Fin));
        Assert.Equal(TcpState.Closed, couple.Server.State);
        couple.DriveUntilIdle();
        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Contains(TcpEvent.Reset, couple.EventsOf(Side.Client));
    }

    [Fact]
    public void Close_in_syn_sent_sends_nothing_and_a_late_syn_ack_gets_rst()
    {
        var couple = new Couple().Open();
        couple.DriveFor(TimeSpan.FromMilliseconds(15)); // SYN-ACK on its way
        couple.Client.Close(couple.Now, couple.ClientSink);
        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Single(couple.SentBy(Side.Client)); // just the SYN

        couple.DriveUntilIdle();
        var rst = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(Couple.ClientIss + 1, rst.Segment.Seq); // <SEQ=SEG.ACK><CTL=RST>
        Assert.Equal(TcpState.Listen, couple.Server.State); // the half-open connection was released
    }

    [Fact]
    public void New_data_after_close_is_answered_with_rst()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.FinWait2, couple.Client.State);

        couple.Server.Send(couple.Now, 100, couple.ServerSink);
        couple.DriveUntilIdle();

        Assert.Equal(TcpFlags.Rst, couple.SentBy(Side.Client).Last().Flags);
        Assert.Equal([TcpEvent.Established, TcpEvent.Aborted, TcpEvent.Closed], couple.EventsOf(Side.Client));
        Assert.Equal(TcpState.Closed, couple.Server.State);
        Assert.Contains(TcpEvent.Reset, couple.EventsOf(Side.Server));
    }

    [Fact]
    public void An_old_duplicate_syn_ack_in_syn_sent_is_answered_with_rst_and_the_connect_goes_on()
    {
        // RFC 9293 figure 8: the client's SYN crosses a SYN-ACK for an older ISN; it resets that one.
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.Inject(Side.Client, new Segment
        {
            SrcAddr = Couple.ServerAddr, SrcPort = Couple.ServerPort, DstAddr = Couple.ClientAddr, DstPort = Couple.ClientPort,
            Seq = new SeqNum(300), Ack = new SeqNum(91), Flags = TcpFlags.Syn | TcpFlags.Ack, Window = 65535,
        }, TimeSpan.FromMilliseconds(1));
        couple.DriveFor(TimeSpan.FromMilliseconds(5));

        var rst = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(new SeqNum(91), rst.Segment.Seq);
        Assert.Equal(TcpState.SynSent, couple.Client.State);
    }

    [Fact]
    public void Answers_to_out_of_window_pure_acks_are_rate_limited_to_one_per_500_ms()
    {
        // Two desynchronized peers would otherwise ACK each other forever (Linux tcp_invalid_ratelimit).
        var couple = Couple.Established();
        var stray = ToServer(couple.Server.RcvNxt + 200_000, TcpFlags.Ack, couple.Server.SndNxt);
        int before = couple.SentBy(Side.Server).Count();
        for (int i = 0; i < 5; i++) couple.Inject(Side.Server, stray, TimeSpan.FromMilliseconds(10 + 100 * i)); // over 400 ms
        couple.DriveFor(TimeSpan.FromMilliseconds(450));
        Assert.Equal(before + 1, couple.SentBy(Side.Server).Count());

        couple.DriveFor(TimeSpan.FromMilliseconds(100));
        couple.Inject(Side.Server, stray);
        couple.DriveFor(TimeSpan.FromMilliseconds(20));
        Assert.Equal(before + 2, couple.SentBy(Side.Server).Count()); // 500 ms later it answers again
    }

    [Fact]
    public void A_new_syn_beyond_the_old_sequence_space_may_take_over_a_time_wait_tuple()
    {
        var couple = Couple.ClientInTimeWait();
        var fromServer = couple.SentBy(Side.Server).Last().Segment;
        var newer = fromServer with { Flags = TcpFlags.Syn, Seq = couple.Client.RcvNxt + 100_000, Ack = default };

        Assert.True(couple.Client.AcceptsNewSynInTimeWait(newer, out var iss));
        Assert.True(iss > couple.Client.SndNxt);
        Assert.False(couple.Client.AcceptsNewSynInTimeWait(newer with { Seq = couple.Client.RcvNxt - 1 }, out _)); // an old duplicate
        Assert.False(couple.Client.AcceptsNewSynInTimeWait(newer with { Flags = TcpFlags.Syn | TcpFlags.Ack }, out _));

        // The endpoint itself only re-ACKs such a SYN; taking over is the host's decision.
        couple.Inject(Side.Client, newer);
        couple.DriveFor(TimeSpan.FromMilliseconds(10));
        Assert.Equal(TcpState.TimeWait, couple.Client.State);
        Assert.Equal(TcpFlags.Ack, couple.SentBy(Side.Client).Last().Flags);
    }
}
