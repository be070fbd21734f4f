namespace TcpActors.Tcp.Tests;

/// <summary>Data transfer: MSS segmentation, cumulative and delayed ACKs, windows, retransmission.</summary>
public class DataTransferTests
{
    private static readonly TimeSpan Ms10 = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void A_send_is_cut_into_mss_segments_and_acked_cumulatively_every_second_full_segment()
    {
        var couple = Couple.Established();
        int start = couple.Sent.Count;
        var t0 = couple.Now;
        couple.Client.Send(couple.Now, 4000, couple.ClientSink);
        couple.DriveUntilIdle();

        var data = couple.SentBy(Side.Client).Skip(1).Where(s => s.Segment.PayloadLength > 0).ToList();
        Assert.Equal([1460, 1460, 1080], data.Select(s => (int)s.Segment.PayloadLength));
        Assert.Equal([TcpFlags.Ack, TcpFlags.Ack, TcpFlags.Psh | TcpFlags.Ack], data.Select(s => s.Flags));
        Assert.Equal([Couple.ClientIss + 1, Couple.ClientIss + 1461, Couple.ClientIss + 2921], data.Select(s => s.Segment.Seq));

        var acks = couple.SentBy(Side.Server).Where(s => s.At > t0).ToList();
        Assert.Equal(2, acks.Count);
        // Two full segments: ACKed at once on the second; the tail waits for the 40 ms delayed ACK.
        Assert.Equal((t0 + Ms10, Couple.ClientIss + 2921), (acks[0].At, acks[0].Segment.Ack));
        Assert.Equal((t0 + Ms10 + TimeSpan.FromMilliseconds(40), Couple.ClientIss + 4001), (acks[1].At, acks[1].Segment.Ack));
        Assert.Equal(4000, couple.Server.BytesToRead);
        Assert.Equal(0, couple.Client.BytesUnacknowledged);
        Assert.Equal(4000, couple.Events.Where(e => e.Side == Side.Server && e.What == TcpEvent.DataReceived).Sum(e => e.Bytes));
    }

    [Fact]
    public void A_response_within_the_delayed_ack_time_carries_the_ack_of_the_request()
    {
        var couple = Couple.Established();
        var t0 = couple.Now;
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(15)); // request arrived 5 ms ago
        Assert.Equal(100, couple.Server.Read(couple.Now, 1000, couple.ServerSink));
        couple.Server.Send(couple.Now, 1000, couple.ServerSink);
        couple.DriveUntilIdle();

        var fromServer = couple.SentBy(Side.Server).Where(s => s.At > t0).ToList();
        var response = Assert.Single(fromServer);
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, response.Flags);
        Assert.Equal(Couple.ClientIss + 101, response.Segment.Ack);
        Assert.Equal(1000, couple.Client.BytesToRead);
    }

    [Fact]
    public void Data_sent_before_the_handshake_completes_follows_the_final_ack()
    {
        var couple = new Couple().Open();
        couple.Client.Send(couple.Now, 50, couple.ClientSink);
        couple.DriveUntilIdle();

        Assert.Equal([TcpFlags.Syn, TcpFlags.Ack, TcpFlags.Psh | TcpFlags.Ack], couple.SentBy(Side.Client).Select(s => s.Flags));
        Assert.Equal(50, couple.Server.BytesToRead);
    }

    [Fact]
    public void An_out_of_order_segment_is_dropped_with_a_duplicate_ack_and_recovered_by_retransmission()
    {
        var couple = Couple.Established();
        couple.LoseNext(Side.Client, TcpFlags.Ack); // the first of two full segments
        couple.Client.Send(couple.Now, 2920, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromMilliseconds(15));

        var dupAck = couple.SentBy(Side.Server).Last();
        Assert.Equal(Couple.ClientIss + 1, dupAck.Segment.Ack); // still waiting for the first byte
        Assert.Equal(0, couple.Server.BytesToRead);

        couple.DriveUntilIdle();
        Assert.Equal(2920, couple.Server.BytesToRead);
        Assert.Equal(Couple.ClientIss + 2921, couple.Server.RcvNxt);
        Assert.Equal(0, couple.Client.BytesUnacknowledged);
        Assert.Equal(TcpState.Established, couple.Client.State);
    }

    [Fact]
    public void The_sender_never_exceeds_the_peers_window_and_resumes_when_it_reopens()
    {
        var profile = TcpProfile.Linux with { ReceiveWindow = 3000 };
        var couple = Couple.Established(profile);
        couple.Client.Send(couple.Now, 10_000, couple.ClientSink);
        couple.DriveFor(TimeSpan.FromSeconds(1));

        Assert.Equal(3000, couple.Server.BytesToRead);
        Assert.Equal(0, couple.Server.ReceiveWindow);
        Assert.Equal(3000, couple.SentBy(Side.Client).Sum(s => s.Dropped ? 0 : s.Segment.PayloadLength));
        // Meanwhile the persist timer probes the shut window with empty segments at SND.UNA-1.
        var probes = couple.SentBy(Side.Client).Where(s => s.Segment.PayloadLength == 0 && s.Segment.Seq == couple.Client.SndUna - 1).ToList();
        Assert.NotEmpty(probes);
        Assert.Equal(TcpState.Established, couple.Client.State);

        // Reading reopens the window; the window update lets the rest flow.
        for (int i = 0; i < 10 && couple.Client.BytesUnacknowledged > 0; i++)
        {
            couple.Server.Read(couple.Now, int.MaxValue, couple.ServerSink);
            couple.DriveFor(TimeSpan.FromSeconds(1));
        }
        couple.Server.Read(couple.Now, int.MaxValue, couple.ServerSink);
        Assert.Equal(0, couple.Client.BytesUnacknowledged);
        Assert.Equal(Couple.ClientIss + 10_001, couple.Server.RcvNxt);
    }

    [Fact]
    public void The_handshake_rtt_sets_srtt_and_rto_per_rfc_6298_clamped_to_min_rto()
    {
        var linux = Couple.Established();
        Assert.Equal(TimeSpan.FromMilliseconds(20), linux.Client.Srtt);
        Assert.Equal(TimeSpan.FromMilliseconds(200), linux.Client.Rto); // 20 + 4·10 = 60 ms, below the 200 ms floor

        var rfc = Couple.Established(TcpProfile.Rfc9293);
        Assert.Equal(TimeSpan.FromSeconds(1), rfc.Client.Rto);

        var bsd = Couple.Established(TcpProfile.Bsd);
        Assert.Equal(TimeSpan.FromMilliseconds(60), bsd.Client.Rto); // 30 ms floor: SRTT + 4·RTTVAR rules
    }

    [Fact]
    public void Karns_rule_takes_no_rtt_sample_from_a_retransmitted_segment_and_keeps_the_backoff()
    {
        var couple = Couple.Established();
        couple.OneWayDelay = TimeSpan.FromMilliseconds(50); // a sample now would move SRTT
        couple.LoseNext(Side.Client, TcpFlags.Psh | TcpFlags.Ack);
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.DriveUntilIdle();

        Assert.Equal(2, couple.SentBy(Side.Client).Count(s => s.Segment.PayloadLength > 0));
        Assert.Equal(TimeSpan.FromMilliseconds(20), couple.Client.Srtt);
        Assert.Equal(TimeSpan.FromMilliseconds(400), couple.Client.Rto); // backed off once, no new sample

        // The next segment that is never retransmitted is timed again and RTO collapses.
        couple.Client.Send(couple.Now, 100, couple.ClientSink);
        couple.DriveUntilIdle();
        Assert.NotEqual(TimeSpan.FromMilliseconds(20), couple.Client.Srtt);
        Assert.Equal(TimeSpan.FromMilliseconds(200), couple.Client.Rto);
    }

    [Fact]
    public void A_retransmitted_syn_leaves_rto_at_three_seconds_once_established()
    {
        var couple = new Couple();
        couple.LoseNext(Side.Client, TcpFlags.Syn);
        couple.Open();
        couple.DriveUntilIdle();

        Assert.Equal(TcpState.Established, couple.Client.State);
        Assert.Null(couple.Client.Srtt);
        Assert.Equal(TimeSpan.FromSeconds(3), couple.Client.Rto); // RFC 6298 §5.7
    }

    [Fact]
    public void A_lost_final_ack_is_repaired_by_the_servers_syn_ack_retransmission()
    {
        var couple = new Couple();
        couple.LoseNext(Side.Client, TcpFlags.Ack);
        couple.Open();
        couple.DriveUntilIdle();

        Assert.Equal(TcpState.Established, couple.Server.State);
        Assert.Equal(2, couple.SentBy(Side.Server).Count(s => s.Flags == (TcpFlags.Syn | TcpFlags.Ack)));
        // SYN-ACK again at 1.01 s, the client re-ACKs it at 1.02 s, the server is ESTABLISHED at 1.03 s.
        Assert.Equal(TimeSpan.FromSeconds(1.03), couple.States.Single(s => s.Side == Side.Server && s.To == TcpState.Established).At);
    }

    [Fact]
    public void A_duplicate_syn_in_syn_received_is_answered_with_the_syn_ack_at_once()
    {
        var couple = new Couple();
        couple.LoseNext(Side.Server, TcpFlags.Syn | TcpFlags.Ack);
        couple.Open();
        couple.DriveFor(TimeSpan.FromMilliseconds(500));
        Assert.Equal(TcpState.SynReceived, couple.Server.State);

        // The client's SYN, seen again (a retransmission), is answered now, not at the server's RTO.
        couple.Inject(Side.Server, couple.SentBy(Side.Client).Single().Segment, TimeSpan.Zero);
        couple.DriveFor(TimeSpan.FromMilliseconds(30));

        var synAcks = couple.SentBy(Side.Server).Where(s => s.Flags == (TcpFlags.Syn | TcpFlags.Ack)).ToList();
        Assert.Equal(2, synAcks.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(500), synAcks[1].At);
        Assert.Equal(Couple.ServerIss, synAcks[1].Segment.Seq);
        Assert.Equal(TcpState.Established, couple.Server.State);
        Assert.Equal(TcpState.Established, couple.Client.State);
    }
}
