namespace TcpActors.Tcp.Tests;

/// <summary>
/// The seed stories of /work/shared/seeds as acceptance tests: each test is one scene of a story,
/// played by a client ("小T", "小扎", "you") and a server ("小P", "小美", "the girl").
/// </summary>
public class SeedStoryTests
{
    private static readonly TimeSpan Ms10 = TimeSpan.FromMilliseconds(10);

    private static Segment SynFrom(SeqNum seq) => new()
    {
        SrcAddr = Couple.ClientAddr, SrcPort = Couple.ClientPort, DstAddr = Couple.ServerAddr, DstPort = Couple.ServerPort,
        Seq = seq, Flags = TcpFlags.Syn, Window = 65535,
    };

    [Fact]
    public void Seed_001_the_confession_is_a_three_way_handshake_with_x_y_x_plus_1_y_plus_1()
    {
        // SYN seq=x; SYN-ACK seq=y ack=x+1; ACK seq=x+1 ack=y+1.
        var couple = new Couple().Open();
        couple.DriveUntilIdle();

        var x = Couple.ClientIss;
        var y = Couple.ServerIss;
        Assert.Collection(couple.Sent,
            s => Assert.Equal((Side.Client, TcpFlags.Syn, x), (s.From, s.Flags, s.Segment.Seq)),
            s => Assert.Equal((Side.Server, TcpFlags.Syn | TcpFlags.Ack, y, x + 1), (s.From, s.Flags, s.Segment.Seq, s.Segment.Ack)),
            s => Assert.Equal((Side.Client, TcpFlags.Ack, x + 1, y + 1), (s.From, s.Flags, s.Segment.Seq, s.Segment.Ack)));
        Assert.Equal([TcpState.SynSent, TcpState.Established], couple.StatesOf(Side.Client));
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Established], couple.StatesOf(Side.Server));
        Assert.Equal(TimeSpan.FromMilliseconds(20), couple.States.Single(s => s.Side == Side.Client && s.To == TcpState.Established).At);
        Assert.Equal(TimeSpan.FromMilliseconds(30), couple.States.Single(s => s.Side == Side.Server && s.To == TcpState.Established).At);
    }

    [Fact]
    public void Seed_001_the_good_person_card_is_a_refused_connection()
    {
        // 小P is not listening: the SYN gets RST,ACK and 小T goes back to CLOSED, refused.
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.DriveUntilIdle();

        var rst = couple.SentBy(Side.Server).Single();
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.Equal(Couple.ClientIss + 1, rst.Segment.Ack);
        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Equal([TcpEvent.Refused, TcpEvent.Closed], couple.EventsOf(Side.Client));
        Assert.Equal(TimeSpan.FromMilliseconds(20), couple.Events.First(e => e.What == TcpEvent.Refused).At);
    }

    [Fact]
    public void Seed_001_both_confess_at_the_same_time_and_one_connection_results()
    {
        var couple = new Couple();
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.Server.Connect(couple.Now, Couple.ServerTuple, Couple.ServerIss, couple.ServerSink);
        couple.DriveUntilIdle();

        foreach (var side in new[] { Side.Client, Side.Server })
        {
            Assert.Equal([TcpState.SynSent, TcpState.SynReceived, TcpState.Established], couple.StatesOf(side));
            Assert.Single(couple.EventsOf(side), TcpEvent.Established);
        }
        Assert.Equal(Couple.ServerIss + 1, couple.Client.RcvNxt);
        Assert.Equal(Couple.ClientIss + 1, couple.Server.RcvNxt);
        Assert.Equal(4, couple.Sent.Count); // two SYNs, two SYN-ACKs; nothing else needed

        // And it is one working connection: data flows both ways.
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.Server.Send(couple.Now, 200, couple.ServerSink);
        couple.DriveUntilIdle();
        Assert.Equal(100, couple.Server.BytesToRead);
        Assert.Equal(200, couple.Client.BytesToRead);
    }

    [Fact]
    public void Seed_003_a_delayed_old_confession_is_rejected_and_the_listener_holds_nothing()
    {
        // An old SYN arrives long after the client moved on. The server answers SYN-ACK; the client
        // has no such connection and says RST; the server returns to LISTEN with nothing held.
        var couple = new Couple();
        couple.Server.Listen(couple.Now, Couple.ServerAddr, Couple.ServerPort, Couple.ServerIss, couple.ServerSink);
        couple.Inject(Side.Server, SynFrom(new SeqNum(90)));
        couple.DriveUntilIdle();

        var rst = couple.SentBy(Side.Client).Single();
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(new SeqNum(91), rst.Segment.Seq);
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Listen], couple.StatesOf(Side.Server));
        Assert.Contains(TcpEvent.ReturnedToListen, couple.EventsOf(Side.Server));
        Assert.Equal(TimeSpan.MaxValue, couple.Server.NextDeadline); // no SYN-ACK retransmission left behind

        // The real confession then succeeds on the same listener.
        couple.Client.Connect(couple.Now, Couple.ClientTuple, Couple.ClientIss, couple.ClientSink);
        couple.DriveUntilIdle();
        Assert.Equal(TcpState.Established, couple.Client.State);
        Assert.Equal(TcpState.Established, couple.Server.State);
    }

    [Fact]
    public void Seed_003_a_passive_child_reset_in_syn_received_tells_the_host_to_free_it()
    {
        var couple = new Couple();
        var syn = SynFrom(new SeqNum(90));
        Assert.Equal(TcpError.None, couple.Server.AcceptSyn(couple.Now, syn, Couple.ServerIss, couple.ServerSink));
        couple.DriveUntilIdle();

        Assert.Equal([TcpState.SynReceived, TcpState.Closed], couple.StatesOf(Side.Server));
        Assert.Equal([TcpEvent.ReturnedToListen, TcpEvent.Closed], couple.EventsOf(Side.Server));
        Assert.True(couple.Server.IsPassiveChild);
    }

    [Fact]
    public void Seed_000_and_004_the_break_up_is_a_four_way_close()
    {
        // FIN seq=u; ACK ack=u+1; FIN seq=w ack=u+1; ACK seq=u+1 ack=w+1. 小P waits in CLOSE_WAIT
        // longer than the delayed ACK, so the ACK and his FIN are separate messages.
        var couple = Couple.Established();
        var start = couple.Sent.Count;
        var u = couple.Client.SndNxt;
        var w = couple.Server.SndNxt;

        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.CloseWait, couple.Server.State);
        Assert.Equal(TcpState.FinWait2, couple.Client.State);
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();

        Assert.Collection(couple.Sent.Skip(start),
            s => Assert.Equal((Side.Client, TcpFlags.Fin | TcpFlags.Ack, u), (s.From, s.Flags, s.Segment.Seq)),
            s => Assert.Equal((Side.Server, TcpFlags.Ack, u + 1), (s.From, s.Flags, s.Segment.Ack)),
            s => Assert.Equal((Side.Server, TcpFlags.Fin | TcpFlags.Ack, w, u + 1), (s.From, s.Flags, s.Segment.Seq, s.Segment.Ack)),
            s => Assert.Equal((Side.Client, TcpFlags.Ack, u + 1, w + 1), (s.From, s.Flags, s.Segment.Seq, s.Segment.Ack)));
        Assert.Equal([TcpState.SynSent, TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed],
            couple.StatesOf(Side.Client));
        Assert.Equal([TcpState.Listen, TcpState.SynReceived, TcpState.Established, TcpState.CloseWait, TcpState.LastAck, TcpState.Closed],
            couple.StatesOf(Side.Server));
    }

    [Fact]
    public void Seed_000_the_second_and_third_messages_merge_when_the_peer_closes_within_the_delayed_ack()
    {
        var couple = Couple.Established();
        var start = couple.Sent.Count;
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(20)); // FIN arrived 10 ms ago; the 40 ms delayed ACK is pending
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();

        Assert.Equal(
            [(Side.Client, TcpFlags.Fin | TcpFlags.Ack), (Side.Server, TcpFlags.Fin | TcpFlags.Ack), (Side.Client, TcpFlags.Ack)],
            couple.Sent.Skip(start).Select(s => (s.From, s.Flags)));
        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Equal(TcpState.Closed, couple.Server.State);
    }

    [Fact]
    public void Seed_002_a_lost_last_ack_makes_the_server_resend_its_fin_and_time_wait_start_over()
    {
        var couple = Couple.Established();
        couple.Client.Close(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        couple.LoseNext(Side.Client, TcpFlags.Ack); // the fourth message is lost
        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();

        var serverFins = couple.SentBy(Side.Server).Where(s => s.Flags.HasFlag(TcpFlags.Fin)).ToList();
        Assert.Equal(2, serverFins.Count);
        Assert.Equal(serverFins[0].Segment.Seq, serverFins[1].Segment.Seq);
        var clientAcks = couple.SentBy(Side.Client).Where(s => s.At >= serverFins[0].At && s.Flags == TcpFlags.Ack).ToList();
        Assert.Equal(2, clientAcks.Count);
        Assert.True(clientAcks[0].Dropped);
        Assert.False(clientAcks[1].Dropped);

        // TIME_WAIT ends 2·MSL after the re-sent FIN arrived, not after the first.
        var resentFinArrived = serverFins[1].At + couple.OneWayDelay;
        var timeWaitEnded = couple.States.Single(s => s.Side == Side.Client && s.From == TcpState.TimeWait).At;
        Assert.Equal(resentFinArrived + TimeSpan.FromSeconds(60), timeWaitEnded);
        Assert.Equal(TcpState.Closed, couple.Server.State);
        Assert.DoesNotContain(TcpEvent.TimedOut, couple.EventsOf(Side.Server));
    }

    [Fact]
    public void Seed_003_keepalive_gives_up_after_ten_unanswered_probes_75_seconds_apart()
    {
        // rfc9293 profile as in the story: probes every 75 s, ten of them, then the connection is closed.
        var profile = TcpProfile.Rfc9293 with { KeepaliveEnabled = true };
        var couple = new Couple(profile, serverProfile: TcpProfile.Rfc9293).Open();
        couple.DriveFor(TimeSpan.FromSeconds(1));
        var lastHeard = TimeSpan.FromMilliseconds(20); // the SYN-ACK was the last thing the client received
        couple.LoseAllFrom(Side.Server); // the server host dies silently
        couple.DriveUntilIdle();

        var probes = couple.SentBy(Side.Client).Where(s => s.At > TimeSpan.FromSeconds(1) && s.Flags == TcpFlags.Ack).ToList();
        Assert.Equal(10, probes.Count);
        for (int i = 0; i < probes.Count; i++)
        {
            Assert.Equal(lastHeard + TimeSpan.FromSeconds(7200) + TimeSpan.FromSeconds(75 * i), probes[i].At);
            Assert.Equal(couple.Client.SndNxt - 1, probes[i].Segment.Seq); // SEG.SEQ = SND.NXT-1, no data
            Assert.Equal(0, probes[i].Segment.PayloadLength);
        }
        var end = lastHeard + TimeSpan.FromSeconds(7200 + 75 * 10);
        var rst = couple.SentBy(Side.Client).Last();
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rst.Flags);
        Assert.Equal(end, rst.At);
        Assert.Equal([TcpEvent.Established, TcpEvent.TimedOut, TcpEvent.Closed], couple.EventsOf(Side.Client));
        Assert.Equal(end, couple.Events.Single(e => e.Side == Side.Client && e.What == TcpEvent.TimedOut).At);
    }

    [Fact]
    public void Seed_003_answered_keepalive_probes_keep_an_idle_connection_alive()
    {
        var profile = TcpProfile.Linux with { KeepaliveEnabled = true };
        var couple = new Couple(profile, serverProfile: TcpProfile.Linux).Open();
        couple.Drive(TimeSpan.FromHours(10));

        Assert.Equal(TcpState.Established, couple.Client.State);
        Assert.Equal(TcpState.Established, couple.Server.State);
        var probes = couple.SentBy(Side.Client).Count(s => s.At > TimeSpan.FromSeconds(1));
        Assert.Equal(4, probes); // one probe per 7200 s idle, each answered (at ~2 h, 4 h, 6 h, 8 h)
        Assert.Equal(0, couple.Client.KeepaliveProbesSent);
    }

    [Fact]
    public void Seed_002_after_a_half_close_the_server_keeps_sending_from_close_wait()
    {
        // 小扎 says goodbye (shutdown write); 小美 still mails his things back from CLOSE_WAIT, and he
        // receives them in FIN_WAIT_2 before her own FIN.
        var couple = Couple.Established();
        couple.Client.ShutdownWrite(couple.Now, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));
        Assert.Equal(TcpState.CloseWait, couple.Server.State);
        Assert.Equal(TcpState.FinWait2, couple.Client.State);

        Assert.Equal(TcpError.None, couple.Server.Send(couple.Now, 5000, couple.ServerSink));
        couple.DriveFor(TimeSpan.FromSeconds(1));
        var received = couple.Events.Where(e => e.Side == Side.Client && e.What == TcpEvent.DataReceived).ToList();
        Assert.Equal(5000, received.Sum(e => e.Bytes));
        Assert.All(received, e => Assert.True(e.At > TimeSpan.FromSeconds(1)));
        Assert.Equal(TcpState.FinWait2, couple.Client.State);
        Assert.Equal(5000, couple.Client.Read(couple.Now, int.MaxValue, couple.ClientSink));

        couple.Server.Close(couple.Now, couple.ServerSink);
        couple.DriveUntilIdle();
        Assert.Equal(TcpState.Closed, couple.Client.State);
        Assert.Equal(TcpState.Closed, couple.Server.State);
        Assert.DoesNotContain(couple.Sent, s => s.Flags.HasFlag(TcpFlags.Rst));
    }
}
