// RFC 6298  Computing TCP's Retransmission Timer. Section numbers below refer to it unless named.
using System.Runtime.InteropServices;

namespace TcpActors.Tcp;

/// <summary>
/// The retransmission timeout of one connection, as RFC 6298 computes it: the smoothed round-trip
/// time SRTT and its variation RTTVAR from RTT samples, the RTO derived from them and clamped to the
/// profile's min/max, its exponential backoff, and which segment is being timed for the next sample
/// (at most one at a time, never a retransmitted one: Karn's rule).
/// <para>
/// A mutable struct held as a field of <see cref="TcpEndpoint"/>, so that it costs no object and no
/// pointer per endpoint (36 bytes inline; millions of endpoints exist). It has no clock: every call
/// carries the virtual time. Times are in ticks (100 ns), the endpoint's own unit, and the integer
/// arithmetic is exact, so the same inputs give the same RTO on every run.
/// </para>
/// <para>
/// What stays with the endpoint: when to back off (Linux keeps the first SYN retransmissions at a flat
/// RTO), whether a SYN was retransmitted, and the timer itself.
/// </para>
/// </summary>
// Pack = 4: four longs and a SeqNum make 36 bytes, which 8-byte alignment would pad to 40 and place
// after the endpoint's small fields, costing every endpoint 8 bytes (152 → 160 on x64). At 4-byte
// alignment the runtime fits it in with them and the endpoint stays as big as before the split.
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct RttEstimator
{
    /// <summary>G of §2.2/§2.3, the clock granularity (§4) that 4·RTTVAR may not fall below: 1 ms, Linux's jiffy at HZ=1000.</summary>
    private static readonly long s_granularityTicks = TimeSpan.FromMilliseconds(1).Ticks;

    /// <summary>§5.7: the RTO after a handshake whose SYN was retransmitted and gave no sample.</summary>
    private static readonly long s_synFallbackTicks = TimeSpan.FromSeconds(3).Ticks;

    /// <summary>SRTT in ticks; negative until the first sample (§2.1: "no RTT measurement yet").</summary>
    private long _srtt;
    /// <summary>RTTVAR in ticks (zero until the first sample).</summary>
    private long _rttvar;
    /// <summary>The current RTO in ticks, backoff included.</summary>
    private long _rto;
    /// <summary>When the timed segment was sent, in ticks; negative when nothing is being timed.</summary>
    private long _timedSince;
    /// <summary>The first sequence number of the timed segment (valid while <see cref="_timedSince"/> ≥ 0).</summary>
    private SeqNum _timedSeq;

    /// <summary>The current RTO in ticks, backoff included: what the retransmission timer is armed with.</summary>
    public readonly long RtoTicks => _rto;

    /// <summary>The current RTO, backoff included.</summary>
    public readonly TimeSpan Rto => TimeSpan.FromTicks(_rto);

    /// <summary>SRTT; null before the first sample.</summary>
    public readonly TimeSpan? Srtt => _srtt < 0 ? null : TimeSpan.FromTicks(_srtt);

    /// <summary>RTTVAR; null before the first sample.</summary>
    public readonly TimeSpan? RttVar => _srtt < 0 ? null : TimeSpan.FromTicks(_rttvar);

    /// <summary>Whether a segment is being timed now (a sample is pending on its ACK).</summary>
    public readonly bool IsTiming => _timedSince >= 0;

    /// <summary>
    /// A fresh connection (§2.1): no SRTT or RTTVAR yet, RTO at the profile's initial value, nothing timed.
    /// </summary>
    public void Reset(TcpProfile profile)
    {
        _srtt = -1;
        _rttvar = 0;
        _rto = profile.InitialRto.Ticks;
        _timedSince = -1;
        _timedSeq = default;
    }

    /// <summary>
    /// A SYN or SYN-ACK is about to go out for the first time: the RTO starts again from the initial
    /// value (§2.1), whatever an earlier use of the endpoint left behind. SRTT and RTTVAR are kept.
    /// </summary>
    public void StartHandshake(TcpProfile profile) => _rto = profile.InitialRto.Ticks;

    /// <summary>
    /// A segment starting at <paramref name="seq"/> opened new sequence space at <paramref name="t"/>.
    /// It is timed if nothing else is (§3 asks for at least one sample per round trip, and one is what
    /// this takes) and the head is not being retransmitted: after a timeout nothing is timed until an
    /// ACK for new data arrives, a conservative reading of Karn's algorithm (§3), so the backed-off
    /// RTO stays until a sample nobody could have misattributed.
    /// </summary>
    public void OnNewSequenceSent(long t, SeqNum seq, bool headRetransmitted)
    {
        if (_timedSince < 0 && !headRetransmitted)
        {
            _timedSince = t;
            _timedSeq = seq;
        }
    }

    /// <summary>
    /// SND.UNA advanced to <paramref name="ack"/> at <paramref name="t"/>. If that covers the timed
    /// segment, its round trip is a sample (§2.2/§2.3) and the RTO is recomputed from it, which also
    /// ends any backoff (the "collapsing" of RTO that the note after §5.7 describes).
    /// </summary>
    public void OnAckAdvance(long t, SeqNum ack, TcpProfile profile)
    {
        // Karn's rule: only a segment that was never retransmitted gives an RTT sample; a timeout
        // stops the timing (StopTiming), so an ACK after a retransmission samples nothing.
        if (_timedSince >= 0 && ack > _timedSeq)
        {
            Sample(t - _timedSince, profile);
            _timedSince = -1;
        }
    }

    /// <summary>
    /// The retransmission timer expired and the head is about to be resent: the timed segment, if
    /// any, can no longer give an unambiguous sample (Karn's rule, §3), so its timing is dropped.
    /// </summary>
    public void StopTiming() => _timedSince = -1;

    /// <summary>§5.5: RTO ← RTO·2, capped at the profile's maximum (§2.5 allows a cap of at least 60 s).</summary>
    public void BackOff(TcpProfile profile) => _rto = Math.Min(_rto * 2, profile.MaxRto.Ticks);

    /// <summary>
    /// The handshake completed after its SYN (or SYN-ACK) was retransmitted. Without an RTT sample the
    /// backed-off RTO is replaced by 3 s, capped at the maximum (§5.7); with a sample it stays.
    /// </summary>
    public void OnSynRetransmittedHandshakeDone(TcpProfile profile)
    {
        if (_srtt < 0) _rto = Math.Min(s_synFallbackTicks, profile.MaxRto.Ticks);
    }

    /// <summary>One RTT measurement <paramref name="r"/> (ticks) updates SRTT, RTTVAR and RTO.</summary>
    private void Sample(long r, TcpProfile profile)
    {
        if (_srtt < 0)
        {
            // §2.2: the first measurement. SRTT ← R, RTTVAR ← R/2.
            _srtt = r;
            _rttvar = r / 2;
        }
        else
        {
            // §2.3, alpha = 1/8 and beta = 1/4; RTTVAR is updated first, with the old SRTT.
            _rttvar = (3 * _rttvar + Math.Abs(_srtt - r)) / 4;
            _srtt = (7 * _srtt + r) / 8;
        }
        // §2.2/§2.3: RTO ← SRTT + max(G, K·RTTVAR) with K = 4.
        long rto = _srtt + Math.Max(s_granularityTicks, 4 * _rttvar);
        // §2.4 (minimum) and §2.5 (maximum), from the profile.
        _rto = Math.Clamp(rto, profile.MinRto.Ticks, profile.MaxRto.Ticks);
    }
}
