using System.Runtime.CompilerServices;

namespace TcpActors.Tcp.Tests;

/// <summary>
/// RFC 6298's estimator on its own, in virtual time: segments are "sent" and "acknowledged" at
/// chosen ticks, and SRTT, RTTVAR and RTO are checked to the tick. Section numbers are RFC 6298's.
/// The endpoint-level consequences (SYN timelines, retry budgets) are in <see cref="TimelineTests"/>.
/// </summary>
public class RttEstimatorTests
{
    private static readonly SeqNum s_seq = new(1000);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);
    private static long Ticks(double ms) => Ms(ms).Ticks;

    private static RttEstimator Fresh(TcpProfile profile)
    {
        var rtt = new RttEstimator();
        rtt.Reset(profile);
        return rtt;
    }

    /// <summary>A segment of 100 bytes at <paramref name="seq"/> sent at <paramref name="sentMs"/> and acknowledged in full <paramref name="rttMs"/> later.</summary>
    private static void RoundTrip(ref RttEstimator rtt, TcpProfile profile, double sentMs, double rttMs, SeqNum? seq = null)
    {
        var at = seq ?? s_seq;
        rtt.OnNewSequenceSent(Ticks(sentMs), at, headRetransmitted: false);
        Assert.True(rtt.IsTiming);
        rtt.OnAckAdvance(Ticks(sentMs + rttMs), at + 100, profile);
        Assert.False(rtt.IsTiming);
    }

    [Fact]
    public void Before_any_measurement_the_rto_is_the_profiles_initial_one_and_there_is_no_srtt()
    {
        // §2.1.
        var rtt = Fresh(TcpProfile.Linux);

        Assert.Equal(TimeSpan.FromSeconds(1), rtt.Rto);
        Assert.Null(rtt.Srtt);
        Assert.Null(rtt.RttVar);
        Assert.False(rtt.IsTiming);
    }

    [Fact]
    public void The_first_sample_sets_srtt_to_it_rttvar_to_half_and_rto_to_srtt_plus_four_rttvar()
    {
        // §2.2: R = 300 ms → SRTT 300, RTTVAR 150, RTO = 300 + 4·150 = 900 ms.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);

        RoundTrip(ref rtt, profile, sentMs: 5_000, rttMs: 300);

        Assert.Equal(Ms(300), rtt.Srtt);
        Assert.Equal(Ms(150), rtt.RttVar);
        Assert.Equal(Ms(900), rtt.Rto);
        Assert.Equal(Ticks(900), rtt.RtoTicks);
    }

    [Fact]
    public void A_short_first_sample_gives_an_rto_clamped_up_to_the_profiles_minimum()
    {
        // §2.4: R = 20 ms would give 60 ms; Linux's floor is 200 ms, RFC 9293's (RFC 6298's) 1 s.
        var linux = Fresh(TcpProfile.Linux);
        RoundTrip(ref linux, TcpProfile.Linux, sentMs: 0, rttMs: 20);
        var rfc = Fresh(TcpProfile.Rfc9293);
        RoundTrip(ref rfc, TcpProfile.Rfc9293, sentMs: 0, rttMs: 20);

        Assert.Equal(Ms(20), linux.Srtt);
        Assert.Equal(Ms(200), linux.Rto);
        Assert.Equal(Ms(20), rfc.Srtt);
        Assert.Equal(TimeSpan.FromSeconds(1), rfc.Rto);
    }

    [Fact]
    public void A_long_first_sample_gives_an_rto_clamped_down_to_the_profiles_maximum()
    {
        // §2.5: R = 50 s would give 150 s; Linux caps at 120 s.
        var rtt = Fresh(TcpProfile.Linux);
        RoundTrip(ref rtt, TcpProfile.Linux, sentMs: 0, rttMs: 50_000);

        Assert.Equal(TimeSpan.FromSeconds(50), rtt.Srtt);
        Assert.Equal(TimeSpan.FromSeconds(120), rtt.Rto);
    }

    [Fact]
    public void On_a_sub_millisecond_path_the_variance_term_is_at_least_the_clock_granularity()
    {
        // §2.2 max(G, K·RTTVAR) with G = 1 ms: R = 100 µs gives 4·RTTVAR = 200 µs < G, so
        // RTO = 100 µs + 1 ms. The floor is lowered to one tick so that the clamp stays out of it.
        var profile = TcpProfile.Linux with { MinRto = TimeSpan.FromTicks(1) };
        var rtt = Fresh(profile);

        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 0.1);

        Assert.Equal(Ms(0.05), rtt.RttVar);
        Assert.Equal(Ms(1.1), rtt.Rto);
    }

    [Fact]
    public void Later_samples_move_srtt_by_an_eighth_and_rttvar_by_a_quarter_of_the_difference()
    {
        // §2.3 with alpha = 1/8, beta = 1/4, RTTVAR first with the old SRTT:
        //   R 400 → SRTT 400,     RTTVAR 200                                RTO 1200
        //   R 200 → RTTVAR (3·200 + |400−200|)/4 = 200,   SRTT (7·400 + 200)/8 = 375,     RTO 1175
        //   R 600 → RTTVAR (3·200 + |375−600|)/4 = 206.25, SRTT (7·375 + 600)/8 = 403.125, RTO 1228.125
        // Updating SRTT first would give RTTVAR (3·200 + |375−200|)/4 = 193.75 at the second step.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);

        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 400);
        Assert.Equal(Ms(1200), rtt.Rto);

        RoundTrip(ref rtt, profile, sentMs: 1_000, rttMs: 200, s_seq + 100);
        Assert.Equal(Ms(375), rtt.Srtt);
        Assert.Equal(Ms(200), rtt.RttVar);
        Assert.Equal(Ms(1175), rtt.Rto);

        RoundTrip(ref rtt, profile, sentMs: 2_000, rttMs: 600, s_seq + 200);
        Assert.Equal(Ms(403.125), rtt.Srtt);
        Assert.Equal(Ms(206.25), rtt.RttVar);
        Assert.Equal(Ms(1228.125), rtt.Rto);
    }

    [Fact]
    public void A_steady_path_shrinks_rttvar_until_the_rto_sits_on_the_floor()
    {
        // Identical samples leave SRTT alone and cut RTTVAR by a quarter each time (§2.3).
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        var rtos = new List<TimeSpan>();
        for (int i = 0; i < 8; i++)
        {
            RoundTrip(ref rtt, profile, sentMs: i * 1_000, rttMs: 100, s_seq + 100 * i);
            rtos.Add(rtt.Rto);
        }

        Assert.Equal(Ms(100), rtt.Srtt);
        Assert.Equal(Ms(300), rtos[0]);   // 100 + 4·50
        Assert.Equal(Ms(250), rtos[1]);   // 100 + 4·37.5
        Assert.Equal(Ms(212.5), rtos[2]); // 100 + 4·28.125
        Assert.All(rtos.Skip(3), rto => Assert.Equal(Ms(200), rto)); // below 200 ms: Linux's floor (§2.4)
    }

    [Fact]
    public void Each_timeout_doubles_the_rto_up_to_the_maximum_and_it_stays_there()
    {
        // §5.5, capped as §2.5 allows: 1 s initial, Linux max 120 s.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        var rtos = new List<double>();
        for (int i = 0; i < 9; i++)
        {
            rtt.BackOff(profile);
            rtos.Add(rtt.Rto.TotalSeconds);
        }

        Assert.Equal([2, 4, 8, 16, 32, 64, 120, 120, 120], rtos);
        Assert.Null(rtt.Srtt);
    }

    [Fact]
    public void An_ack_after_a_timeout_gives_no_sample_so_the_backed_off_rto_stays()
    {
        // Karn's rule (§3): sent at 0, timed out at 1 s and resent, ACKed at 1.05 s. The ACK may be
        // for either copy, so it is no measurement: 1.05 s would be wrong if it was for the second.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        rtt.OnNewSequenceSent(0, s_seq, headRetransmitted: false);

        rtt.StopTiming();
        rtt.BackOff(profile);
        rtt.OnAckAdvance(Ticks(1_050), s_seq + 100, profile);

        Assert.Null(rtt.Srtt);
        Assert.Equal(TimeSpan.FromSeconds(2), rtt.Rto);
    }

    [Fact]
    public void Nothing_sent_while_the_head_is_being_retransmitted_is_timed()
    {
        // After a timeout no new segment is timed until the head is acknowledged (Karn, §3).
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        rtt.BackOff(profile);

        rtt.OnNewSequenceSent(Ticks(1_000), s_seq + 100, headRetransmitted: true);
        Assert.False(rtt.IsTiming);
        rtt.OnAckAdvance(Ticks(1_100), s_seq + 200, profile);

        Assert.Null(rtt.Srtt);
        Assert.Equal(TimeSpan.FromSeconds(2), rtt.Rto);
    }

    [Fact]
    public void The_first_clean_sample_after_backoff_collapses_the_rto()
    {
        // The note after §5.7: a new measurement recomputes RTO from SRTT and RTTVAR, undoing the doublings.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 100); // RTO 300 ms
        rtt.OnNewSequenceSent(Ticks(1_000), s_seq + 100, headRetransmitted: false);
        rtt.StopTiming();
        rtt.BackOff(profile);
        rtt.BackOff(profile);
        rtt.BackOff(profile);
        Assert.Equal(Ms(2_400), rtt.Rto);
        Assert.Equal(Ms(100), rtt.Srtt); // backoff leaves SRTT alone

        RoundTrip(ref rtt, profile, sentMs: 5_000, rttMs: 100, s_seq + 200);

        Assert.Equal(Ms(250), rtt.Rto); // 100 + 4·37.5
    }

    [Fact]
    public void Only_one_segment_is_timed_at_a_time_and_a_later_one_waits_for_the_next_round()
    {
        // §3 asks for at least one sample per round trip; one is taken. The second segment, sent
        // 50 ms after the first, is not timed, so its ACK adds nothing.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        rtt.OnNewSequenceSent(0, s_seq, headRetransmitted: false);
        rtt.OnNewSequenceSent(Ticks(50), s_seq + 100, headRetransmitted: false);

        rtt.OnAckAdvance(Ticks(200), s_seq + 100, profile);
        Assert.Equal(Ms(200), rtt.Srtt);
        Assert.False(rtt.IsTiming);

        rtt.OnAckAdvance(Ticks(400), s_seq + 200, profile);
        Assert.Equal(Ms(200), rtt.Srtt);
    }

    [Fact]
    public void An_ack_short_of_the_timed_segment_samples_nothing_and_the_timing_goes_on()
    {
        // The timed segment starts at 1100; an ACK of 1100 acknowledges only what came before it.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        rtt.OnNewSequenceSent(Ticks(10), s_seq + 100, headRetransmitted: false);

        rtt.OnAckAdvance(Ticks(100), s_seq + 100, profile);
        Assert.True(rtt.IsTiming);
        Assert.Null(rtt.Srtt);

        rtt.OnAckAdvance(Ticks(160), s_seq + 101, profile);
        Assert.Equal(Ms(150), rtt.Srtt);
    }

    [Fact]
    public void A_timed_segment_across_the_sequence_wrap_is_sampled()
    {
        // Sequence comparison is modulo 2^32 (RFC 9293 §3.4): an ACK of 0x40 covers a segment at 0xFFFFFFF0.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);

        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 80, new SeqNum(0xFFFF_FFF0));

        Assert.Equal(Ms(80), rtt.Srtt);
    }

    [Fact]
    public void A_handshake_whose_syn_was_retransmitted_starts_the_data_phase_at_three_seconds()
    {
        // §5.7: SYN at 0 lost, resent at 1 s (RTO backed off to 2 s), SYN-ACK arrives: no sample
        // (Karn), so RTO becomes 3 s, capped at the maximum when that is lower.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        rtt.StartHandshake(profile);
        rtt.OnNewSequenceSent(0, s_seq, headRetransmitted: false);
        rtt.StopTiming();
        rtt.BackOff(profile);
        rtt.OnAckAdvance(Ticks(1_100), s_seq + 1, profile);
        Assert.Equal(TimeSpan.FromSeconds(2), rtt.Rto);

        rtt.OnSynRetransmittedHandshakeDone(profile);
        Assert.Equal(TimeSpan.FromSeconds(3), rtt.Rto);

        var capped = TcpProfile.Linux with { MaxRto = TimeSpan.FromSeconds(2) };
        var small = Fresh(capped);
        small.OnSynRetransmittedHandshakeDone(capped);
        Assert.Equal(TimeSpan.FromSeconds(2), small.Rto);
    }

    [Fact]
    public void With_a_sample_already_taken_the_three_second_fallback_does_not_apply()
    {
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 100);

        rtt.OnSynRetransmittedHandshakeDone(profile);

        Assert.Equal(Ms(300), rtt.Rto);
    }

    [Fact]
    public void A_new_handshake_restarts_the_rto_at_the_initial_value_but_keeps_srtt()
    {
        // What TcpEndpoint does when it sends a SYN: §2.1's initial RTO, whatever was left behind.
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 100);
        rtt.BackOff(profile);

        rtt.StartHandshake(profile);

        Assert.Equal(TimeSpan.FromSeconds(1), rtt.Rto);
        Assert.Equal(Ms(100), rtt.Srtt);
    }

    [Fact]
    public void Reset_forgets_the_samples_the_backoff_and_the_timed_segment()
    {
        var profile = TcpProfile.Linux;
        var rtt = Fresh(profile);
        RoundTrip(ref rtt, profile, sentMs: 0, rttMs: 100);
        rtt.BackOff(profile);
        rtt.OnNewSequenceSent(Ticks(500), s_seq + 100, headRetransmitted: false);

        rtt.Reset(TcpProfile.Rfc9293);

        Assert.Null(rtt.Srtt);
        Assert.Null(rtt.RttVar);
        Assert.False(rtt.IsTiming);
        Assert.Equal(TimeSpan.FromSeconds(1), rtt.Rto);
        rtt.OnAckAdvance(Ticks(600), s_seq + 200, TcpProfile.Rfc9293);
        Assert.Null(rtt.Srtt);
    }

    [Fact]
    public void The_estimator_is_36_bytes_so_an_endpoint_stays_as_small_as_before_it_was_split_out()
    {
        // Four longs and a SeqNum at 4-byte packing; at 8-byte alignment it would be 40 bytes and
        // the endpoint 8 bytes larger (see the comment on RttEstimator's StructLayout).
        Assert.Equal(36, Unsafe.SizeOf<RttEstimator>());
    }
}
