namespace TcpActors.Tcp.Tests;

/// <summary>
/// Exact timelines of the retry and wait timers under total loss, per profile (DESIGN.md §4.2 and
/// docs/tcp-model.md). Times are virtual and exact to the tick.
/// </summary>
public class TimelineTests
{
    private static double[] Seconds(IEnumerable<SentSegment> sent) => sent.Select(s => Math.Round(s.At.TotalSeconds, 6)).ToArray();

    private static (double[] SynTimes, TimeSpan FailedAt) ConnectIntoTheVoid(TcpProfile profile)
    {
        var couple = new Couple(profile);
        couple.LoseAllFrom(Side.Client);
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.DriveUntilIdle();

        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Equal([TcpEvent.TimedOut, TcpEvent.Closed], couple.EventsOf(Side.Client).Where(e => e != TcpEvent.Retransmission));
        Assert.Equal(couple.Sent.Count - 1, couple.EventsOf(Side.Client).Count(e => e == TcpEvent.Retransmission));
        Assert.All(couple.Sent, s => Assert.Equal(TcpFlags.Syn, s.Flags));
        Assert.All(couple.Sent, s => Assert.Equal(Couple.ClientIss, s.Segment.Seq));
        return (Seconds(couple.Sent), couple.Events.Single(e => e.What == TcpEvent.TimedOut).At);
    }

    [Fact]
    public void Linux_sends_syns_at_0_1_2_3_4_5_7_11_19_35_67_and_fails_at_131_seconds()
    {
        var (syns, failedAt) = ConnectIntoTheVoid(TcpProfile.Linux);
        Assert.Equal([0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67], syns);
        Assert.Equal(TimeSpan.FromSeconds(131), failedAt);
    }

    [Fact]
    public void Linux_without_linear_timeouts_sends_syns_at_0_1_3_7_15_31_63_and_fails_at_127_seconds()
    {
        var (syns, failedAt) = ConnectIntoTheVoid(TcpProfile.Linux with { SynLinearTimeouts = 0 });
        Assert.Equal([0, 1, 3, 7, 15, 31, 63], syns);
        Assert.Equal(TimeSpan.FromSeconds(127), failedAt);
    }

    [Fact]
    public void Rfc9293_caps_the_backoff_at_max_rto_so_syns_go_at_0_1_3_7_15_31_63_123_and_fail_at_183_seconds()
    {
        // RFC 6298 §2.5 caps RTO at 60 s, so the gaps after 32 s are 60 s, not 64 and 128 s
        // (DESIGN.md's 127/255 s would need an uncapped backoff; see docs/tcp-model.md).
        var (syns, failedAt) = ConnectIntoTheVoid(TcpProfile.Rfc9293);
        Assert.Equal([0, 1, 3, 7, 15, 31, 63, 123], syns);
        Assert.Equal(TimeSpan.FromSeconds(183), failedAt);
        Assert.True(failedAt >= TimeSpan.FromMinutes(3)); // RFC 1122 §4.2.3.5: at least 3 minutes
    }

    [Fact]
    public void Bsd_gives_up_connecting_at_the_75_second_keepinit()
    {
        var (syns, failedAt) = ConnectIntoTheVoid(TcpProfile.Bsd);
        Assert.Equal([0, 1, 3, 7, 15, 31, 63], syns);
        Assert.Equal(TimeSpan.FromSeconds(75), failedAt);
    }

    [Fact]
    public void Linux_resends_a_syn_ack_at_1_3_7_15_31_seconds_and_drops_the_half_open_connection_at_63()
    {
        var couple = new Couple();
        couple.LoseAllFrom(Side.Server);
        var syn = new Segment
        {
            SrcAddr = Couple.ClientAddr, SrcPort = Couple.ClientPort, DstAddr = Couple.ServerAddr, DstPort = Couple.ServerPort,
            Seq = Couple.ClientIss, Flags = TcpFlags.Syn, Window = 65535,
        };
        couple.Server.AcceptSyn(couple.Now, syn, Couple.ServerIss, couple.ServerSink);
        couple.DriveUntilIdle();

        Assert.Equal([0, 1, 3, 7, 15, 31], Seconds(couple.SentBy(Side.Server)));
        Assert.All(couple.SentBy(Side.Server), s => Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, s.Flags));
        Assert.Equal([TcpEvent.TimedOut, TcpEvent.ReturnedToListen, TcpEvent.Closed], couple.EventsOf(Side.Server).Where(e => e != TcpEvent.Retransmission));
        Assert.Equal(5, couple.EventsOf(Side.Server).Count(e => e == TcpEvent.Retransmission));
        Assert.Equal(TimeSpan.FromSeconds(63), couple.Events.First(e => e.What == TcpEvent.TimedOut).At);
    }

    [Fact]
    public void A_listener_whose_syn_ack_goes_unanswered_is_back_in_listen_after_63_seconds()
    {
        var couple = new Couple();
        couple.LoseAllFrom(Side.Server);
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        couple.Inject(Side.Server, new Segment
        {
            SrcAddr = Couple.ClientAddr, SrcPort = Couple.ClientPort, DstAddr = Couple.ServerAddr, DstPort = Couple.ServerPort,
            Seq = Couple.ClientIss, Flags = TcpFlags.Syn, Window = 65535,
        }, TimeSpan.Zero);
        couple.DriveUntilIdle();

        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Listen], couple.StatesOf(Side.Server));
        Assert.Equal(TimeSpan.FromSeconds(63), couple.States.Last().At);
    }

    [Theory]
    [InlineData("linux", 60)]
    [InlineData("rfc9293", 240)]
    [InlineData("bsd", 60)]
    [InlineData("windows", 120)]
    public void Time_wait_ends_exactly_two_msl_after_the_last_fin_it_acknowledged(string profileName, int seconds)
    {
        Assert.True(TcpProfile.TryGet(profileName, out var profile));
        var couple = Couple.Established(profile);
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();

        var lastAckOfFin = couple.SentBy(Side.Client).Last(s => s.Flags == TcpFlags.Ack);
        var closed = couple.States.Single(s => s.Side == Side.Client && s.From == TcpState.TimeWait && s.To == TcpState.Closed);
        Assert.Equal(lastAckOfFin.At + TimeSpan.FromSeconds(seconds), closed.At);
    }

    [Fact]
    public void Linux_data_retransmissions_give_up_after_the_tcp_retries2_budget_of_924_6_seconds()
    {
        // tcp_retries2 = 15 with TCP_RTO_MIN 200 ms as base: (2^10 - 1)·0.2 s + 6·120 s = 924.6 s.
        var couple = Couple.Established();
        Assert.Equal(TimeSpan.FromMilliseconds(200), couple.Client.Rto);
        couple.LoseAllFrom(Side.Client);
        var sentAt = couple.Now;
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.DriveUntilIdle();

        var data = couple.SentBy(Side.Client).Where(s => s.Segment.PayloadLength > 0).Select(s => Math.Round((s.At - sentAt).TotalSeconds, 6)).ToArray();
        Assert.Equal([0, 0.2, 0.6, 1.4, 3.0, 6.2, 12.6, 25.4, 51.0, 102.2, 204.6, 324.6, 444.6, 564.6, 684.6, 804.6], data);
        Assert.Equal(sentAt + TimeSpan.FromSeconds(924.6), couple.Events.Single(e => e.What == TcpEvent.TimedOut).At);
        Assert.Equal(TcpState.Closed, couple.Client.State);
    }

    [Fact]
    public void Rfc9293_data_retransmissions_give_up_after_fifteen_retries()
    {
        var couple = Couple.Established(TcpProfile.Rfc9293);
        couple.LoseAllFrom(Side.Client);
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.DriveUntilIdle();

        Assert.Equal(16, couple.SentBy(Side.Client).Count(s => s.Segment.PayloadLength > 0));
        Assert.Contains(TcpEvent.TimedOut, couple.EventsOf(Side.Client));
    }

    [Fact]
    public void An_orphaned_fin_wait_2_ends_after_fin_timeout_and_later_segments_get_rst()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(100)); // the server ACKs the FIN but never closes
        var enteredFinWait2 = couple.States.Single(s => s.Side == Side.Client && s.To == TcpState.FinWait2).At;
        couple.Drive(TimeSpan.FromSeconds(100));

        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Equal(enteredFinWait2 + TimeSpan.FromSeconds(60), couple.States.Last(s => s.Side == Side.Client).At);
        Assert.DoesNotContain(couple.SentBy(Side.Client), s => s.Flags.HasFlag(TcpFlags.Rst)); // it ends silently

        couple.Server.Send(couple.Now, 10, couple.ServerSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(20));
        Assert.Equal(TcpFlags.Rst, couple.SentBy(Side.Client).Last().Flags);
        Assert.Equal(TcpState.Closed, couple.Server.State);
        Assert.Contains(TcpEvent.Reset, couple.EventsOf(Side.Server));
    }

    [Fact]
    public void A_half_closed_fin_wait_2_waits_for_the_peer_without_a_timeout()
    {
        var couple = Couple.Established();
        couple.Client.ShutdownWrite(couple.Now, couple.ClientSink);
        couple.Drive(TimeSpan.FromHours(1));

        Assert.Equal(TcpState.FinWait2, couple.Client.State);
        Assert.Equal(TimeSpan.MaxValue, couple.Client.NextDeadline);
    }

    [Fact]
    public void Last_ack_retransmits_its_fin_and_an_orphan_gives_up_after_tcp_orphan_retries()
    {
        // tcp_orphan_retries 0 means 8: (2^9 - 1)·0.2 s = 102.2 s.
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        couple.LoseAllFrom(Side.Server);
        var closedAt = couple.Now;
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();

        var fins = couple.SentBy(Side.Server).Where(s => s.Flags.HasFlag(TcpFlags.Fin)).ToList();
        Assert.Equal(9, fins.Count);
        Assert.Equal(closedAt + TimeSpan.FromSeconds(102.2), couple.Events.Single(e => e.Side == Side.Server && e.What == TcpEvent.TimedOut).At);
        Assert.Equal(TcpState.Closed, couple.Server.State);
    }
}
