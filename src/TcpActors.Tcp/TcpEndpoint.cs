// Read these first:
//   RFC 9293  Transmission Control Protocol: §3.3.2 states (fig. 5), §3.10 event processing — the
//             order of checks in OnSegment follows §3.10.7 step by step.
//   RFC 6298  Computing TCP's retransmission timer: SRTT/RTTVAR, Karn's rule, backoff (RttEstimator.cs).
//   RFC 5961  Robustness to blind in-window attacks: challenge ACKs for RST and SYN.
//   RFC 1122  §4.2.3.2 delayed ACK, §4.2.3.5 retry limits, §4.2.3.6 keepalive.
//   RFC 1337  TIME_WAIT assassination.
// Where Linux differs from or adds to the RFCs (retry budgets, linear SYN timeouts, abort on data
// after close, keepalive reset), the Linux function is named next to the code.
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TcpActors.Tcp;

/// <summary>
/// One TCP endpoint as a sans-IO state machine: all eleven states of RFC 9293 and every arrow between
/// them, with no clock, no randomness and no I/O of its own.
/// <para>
/// Four kinds of members, as in quinn-proto: getters (<see cref="State"/>, <see cref="SndUna"/>, …);
/// user calls (<see cref="Connect"/>, <see cref="Listen"/>, <see cref="AcceptSyn"/>, <see cref="Send"/>,
/// <see cref="Read"/>, <see cref="ShutdownWrite"/>, <see cref="Close"/>, <see cref="Abort"/>); inputs
/// (<see cref="OnSegment"/>, <see cref="OnTimer"/>); and the poll <see cref="NextDeadline"/>. Every
/// input carries the current virtual time and a sink that receives the outputs (segments, state
/// changes, events). A driver delivers segments and, whenever time reaches <see cref="NextDeadline"/>,
/// calls <see cref="OnTimer"/>; it may jump time straight there.
/// </para>
/// <para>
/// The endpoint carries byte counts, never bytes, and holds no collections: about 150 bytes each, so
/// millions fit in memory. Handling a segment allocates nothing. Not thread-safe: one actor owns it.
/// </para>
/// </summary>
[DebuggerDisplay("{State} {Tuple} una={SndUna} nxt={SndNxt} rcv={RcvNxt}")]
public sealed class TcpEndpoint
{
    private const long Never = long.MaxValue;

    /// <summary>
    /// Unacknowledged bytes are capped well below 2^31 so that sequence comparisons (modulo 2^32)
    /// stay unambiguous (RFC 9293 §3.4).
    /// </summary>
    private const long MaxQueuedBytes = 1L << 30;

    /// <summary>
    /// Linux tcp_invalid_ratelimit (500 ms): at most one ACK per this interval answers out-of-window
    /// segments without data, SYNs and in-window RSTs, so two desynchronized peers cannot ACK each other
    /// forever (an ACK storm) and challenge ACKs stay rate-limited as RFC 5961 §7 asks.
    /// </summary>
    private static readonly long s_invalidRateLimitTicks = TimeSpan.FromMilliseconds(500).Ticks;

    /// <summary>The last profile that passed validation; profiles are immutable, so one check per profile suffices.</summary>
    private static volatile TcpProfile? s_lastValidProfile;

    /// <summary>Every profile instance that passed validation (by reference), so hosts mixing profiles do not revalidate.</summary>
    private static readonly ConditionalWeakTable<TcpProfile, object> s_validProfiles = new();

    [Flags]
    private enum Flag : byte
    {
        /// <summary>The application called Close: the socket is orphaned (Linux SOCK_DEAD).</summary>
        AppClosed = 1,
        /// <summary>A FIN is queued after the send buffer (shutdown-write or close).</summary>
        FinQueued = 2,
        /// <summary>Opened from a LISTEN: SYN_RECEIVED goes back to the listener on RST.</summary>
        Passive = 4,
        /// <summary>A passive-open child made by <see cref="AcceptSyn"/>; it ends in CLOSED, not LISTEN.</summary>
        Child = 8,
        /// <summary>The peer's FIN has been received in order.</summary>
        PeerFin = 16,
        /// <summary>Our SYN or SYN-ACK was retransmitted (for the 3 s fallback of RFC 6298 §5.7).</summary>
        SynRetransmitted = 32,
    }

    /// <summary>The knobs; shared by reference between all endpoints of a host.</summary>
    private readonly TcpProfile _profile;
    /// <summary>Local and remote address and port; remote is zero while listening.</summary>
    private FourTuple _tuple;
    /// <summary>Initial send sequence number, chosen by the caller.</summary>
    private SeqNum _iss;
    /// <summary>Initial receive sequence number, the peer's ISN.</summary>
    private SeqNum _irs;
    /// <summary>SND.UNA: oldest unacknowledged sequence number.</summary>
    private SeqNum _sndUna;
    /// <summary>SND.NXT: next sequence number to send; goes back to SND.UNA on a retransmission timeout.</summary>
    private SeqNum _sndNxt;
    /// <summary>Highest sequence number sent so far plus one; an ACK beyond it acknowledges nothing real.</summary>
    private SeqNum _sndMax;
    /// <summary>End of the data the application queued; the FIN, once queued, takes this number.</summary>
    private SeqNum _sndEnd;
    /// <summary>RCV.NXT: next sequence number expected from the peer.</summary>
    private SeqNum _rcvNxt;
    /// <summary>Received bytes the application has not read yet; they shrink the advertised window.</summary>
    private uint _rcvUnread;
    /// <summary>SND.WND: the peer's advertised window.</summary>
    private ushort _sndWnd;
    /// <summary>SRTT, RTTVAR, the RTO with its backoff and the segment being timed (RFC 6298), held inline.</summary>
    private RttEstimator _rtt;
    /// <summary>When the retransmitted head was first sent (Linux retrans_stamp): the start of the retry budget.</summary>
    private long _rtxStamp;
    /// <summary>Deadline of the main timer in ticks, <see cref="Never"/> when idle.</summary>
    private long _timerAt;
    /// <summary>Deadline of the delayed ACK in ticks, <see cref="Never"/> when no ACK is owed.</summary>
    private long _ackAt;
    /// <summary>When the last ACK for an out-of-window segment or a challenge ACK went out (rate limit).</summary>
    private long _lastOowAckAt;
    private TcpState _state;
    private TcpTimer _timer;
    private Flag _flags;
    /// <summary>Retransmissions of the current head since it was last acknowledged.</summary>
    private byte _retransmits;
    /// <summary>Keepalive probes sent without an answer.</summary>
    private byte _probes;
    /// <summary>Full-sized segments received since our last ACK (Linux ACKs every second one at once).</summary>
    private byte _fullSegmentsUnacked;
    /// <summary>TEST-ONLY fault switches, <see cref="EndpointFaults.None"/> unless a test sets <see cref="Faults"/>.</summary>
    private EndpointFaults _faults;

    /// <summary>Creates an endpoint in CLOSED. Nothing is reported until it is opened.</summary>
    /// <param name="profile">The stack's knobs; validated here (throws <see cref="ArgumentException"/> when bad).</param>
    public TcpEndpoint(TcpProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!ReferenceEquals(profile, s_lastValidProfile))
        {
            if (!s_validProfiles.TryGetValue(profile, out _))
            {
                profile.Validate();
                s_validProfiles.AddOrUpdate(profile, profile);
            }
            s_lastValidProfile = profile;
        }
        _profile = profile;
        ResetConnection();
    }

    // ---------------------------------------------------------------------------------------------
    // Getters
    // ---------------------------------------------------------------------------------------------

    /// <summary>The RFC 9293 state.</summary>
    public TcpState State => _state;

    /// <summary>Local and remote address and port (remote is zero while listening).</summary>
    public FourTuple Tuple => _tuple;

    /// <summary>The stack's knobs.</summary>
    public TcpProfile Profile => _profile;

    /// <summary>
    /// TEST-ONLY fault switches (<see cref="EndpointFaults"/>); <see cref="EndpointFaults.None"/>, a
    /// correct TCP, unless a test or the simulation's swarm checker sets them, which it does right
    /// after construction. Internal so that production callers cannot reach them: visible only to
    /// TcpActors.Simulation and the test projects (InternalsVisibleTo in the csproj). The switches are
    /// read when they matter (entering TIME_WAIT, ACKing in CLOSING), so setting them later takes
    /// effect from then on.
    /// </summary>
    internal EndpointFaults Faults
    {
        get => _faults;
        set => _faults = value;
    }

    /// <summary>Initial send sequence number.</summary>
    public SeqNum Iss => _iss;

    /// <summary>The peer's initial sequence number (valid once a SYN has been received).</summary>
    public SeqNum Irs => _irs;

    /// <summary>SND.UNA, the oldest unacknowledged sequence number.</summary>
    public SeqNum SndUna => _sndUna;

    /// <summary>SND.NXT, the next sequence number to send.</summary>
    public SeqNum SndNxt => _sndNxt;

    /// <summary>RCV.NXT, the next sequence number expected.</summary>
    public SeqNum RcvNxt => _rcvNxt;

    /// <summary>The window this endpoint advertises: receive buffer minus unread bytes.</summary>
    public int ReceiveWindow => (int)Math.Max(0L, _profile.ReceiveWindow - (long)_rcvUnread);

    /// <summary>SND.WND: the window the peer advertised last.</summary>
    public int SendWindow => _sndWnd;

    /// <summary>Bytes received in order and not read yet.</summary>
    public int BytesToRead => (int)_rcvUnread;

    /// <summary>Bytes queued by the application and not acknowledged yet (in flight or waiting).</summary>
    public int BytesUnacknowledged => Math.Max(0, _sndEnd - Max(_sndUna, _iss + 1));

    /// <summary>Whether the peer's FIN arrived (end of stream once <see cref="BytesToRead"/> is zero).</summary>
    public bool PeerClosed => (_flags & Flag.PeerFin) != 0;

    /// <summary>Whether the application has closed the endpoint (it is an orphan now).</summary>
    public bool IsOrphan => (_flags & Flag.AppClosed) != 0;

    /// <summary>Whether this endpoint was made from a listener's SYN by <see cref="AcceptSyn"/>.</summary>
    public bool IsPassiveChild => (_flags & Flag.Child) != 0;

    /// <summary>The current retransmission timeout, backoff included.</summary>
    public TimeSpan Rto => _rtt.Rto;

    /// <summary>Smoothed round-trip time; null before the first sample.</summary>
    public TimeSpan? Srtt => _rtt.Srtt;

    /// <summary>Retransmissions of the current head segment so far.</summary>
    public int Retransmits => _retransmits;

    /// <summary>Unanswered keepalive probes so far.</summary>
    public int KeepaliveProbesSent => _probes;

    /// <summary>What the main timer is doing.</summary>
    public TcpTimer Timer => _timer;

    /// <summary>
    /// "When do you next need me?": the earliest virtual time at which <see cref="OnTimer"/> has work,
    /// or <see cref="TimeSpan.MaxValue"/> when only a segment or a user call can wake the endpoint.
    /// </summary>
    public TimeSpan NextDeadline
    {
        get
        {
            long at = Math.Min(_timerAt, _ackAt);
            return at == Never ? TimeSpan.MaxValue : TimeSpan.FromTicks(at);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // User calls (RFC 9293 §3.10.1–§3.10.6)
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Active OPEN (connect()): sends a SYN with <paramref name="iss"/> and enters SYN_SENT.
    /// Allowed from CLOSED (an endpoint that has reached CLOSED may be opened again) and, as RFC 9293's
    /// "SEND in LISTEN", from LISTEN on the same local port.
    /// </summary>
    /// <exception cref="ArgumentException">An address or port of <paramref name="tuple"/> is zero.</exception>
    public TcpError Connect<TSink>(TimeSpan now, FourTuple tuple, SeqNum iss, TSink sink) where TSink : ITcpSink
    {
        if (tuple.LocalAddr == 0 || tuple.RemoteAddr == 0 || tuple.LocalPort == 0 || tuple.RemotePort == 0)
        {
            throw new ArgumentException($"connect needs a complete 4-tuple without zero addresses or ports, got {tuple}", nameof(tuple));
        }
        // RFC 9293 §3.10.2: SEND in LISTEN with a foreign socket turns the passive open into an active
        // one (LISTEN → SYN_SENT). Sockets cannot do this, the RFC model can.
        bool fromListen = _state == TcpState.Listen && tuple.LocalPort == _tuple.LocalPort;
        if (_state != TcpState.Closed && !fromListen) return TcpError.AlreadyOpen;

        long t = now.Ticks;
        ResetConnection();
        _tuple = tuple;
        SetIss(iss);
        SetState(TcpState.SynSent, sink);
        TransmitSyn(t, sink);
        AssertInvariants();
        return TcpError.None;
    }

    /// <summary>
    /// Passive OPEN, the RFC model: one endpoint in LISTEN that takes the next SYN into SYN_RECEIVED
    /// (answering with <paramref name="iss"/>) and returns to LISTEN if that half-open connection is
    /// reset. A host with a SYN queue uses <see cref="AcceptSyn"/> on fresh endpoints instead.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="localPort"/> is zero.</exception>
    public TcpError Listen<TSink>(TimeSpan now, uint localAddr, ushort localPort, SeqNum iss, TSink sink) where TSink : ITcpSink
    {
        if (localPort == 0) throw new ArgumentException("a listener needs a port other than 0", nameof(localPort));
        if (_state != TcpState.Closed) return TcpError.AlreadyOpen;

        ResetConnection();
        _tuple = new FourTuple(localAddr, localPort, 0, 0);
        SetIss(iss);
        _flags = Flag.Passive;
        SetState(TcpState.Listen, sink);
        return TcpError.None;
    }

    /// <summary>
    /// Makes this fresh endpoint the child of a listener for <paramref name="syn"/> (the host has
    /// admitted it to the SYN queue): reports CLOSED→SYN_RECEIVED and sends the SYN-ACK. If the
    /// half-open connection is later reset or its SYN-ACKs run out, the endpoint reports
    /// <see cref="TcpEvent.ReturnedToListen"/> and ends in CLOSED so the host can free it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="syn"/> is not a bare SYN (no ACK, no RST) or names port 0.</exception>
    public TcpError AcceptSyn<TSink>(TimeSpan now, in Segment syn, SeqNum iss, TSink sink) where TSink : ITcpSink
    {
        if ((syn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn)
        {
            throw new ArgumentException($"a passive open needs a SYN without ACK or RST, got [{syn.Flags.ToWireshark()}]", nameof(syn));
        }
        if (syn.SrcPort == 0 || syn.DstPort == 0)
        {
            throw new ArgumentException("a SYN from or to port 0 cannot open a connection", nameof(syn));
        }
        if (_state != TcpState.Closed) return TcpError.AlreadyOpen;

        ResetConnection();
        _tuple = syn.ReceiverTuple;
        SetIss(iss);
        _flags = Flag.Passive | Flag.Child;
        BeginPassiveOpen(now.Ticks, syn, sink);
        AssertInvariants();
        return TcpError.None;
    }

    /// <summary>
    /// The SYN-ACK a listener sends for <paramref name="syn"/> without keeping any state, e.g. a SYN
    /// cookie whose value is <paramref name="iss"/> (Linux cookie_v4_init_sequence).
    /// </summary>
    public static Segment SynAckFor(in Segment syn, SeqNum iss, TcpProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new Segment
        {
            SrcAddr = syn.DstAddr, SrcPort = syn.DstPort, DstAddr = syn.SrcAddr, DstPort = syn.SrcPort,
            Seq = iss, Ack = syn.Seq + 1, Flags = TcpFlags.Syn | TcpFlags.Ack, Window = profile.ReceiveWindow,
        };
    }

    /// <summary>
    /// Makes this fresh endpoint the connection a SYN cookie vouched for: <paramref name="ack"/> is the
    /// peer's third segment and acknowledges <paramref name="iss"/> + 1, the cookie sent in a stateless
    /// SYN-ACK (<see cref="SynAckFor"/>); the host has checked the cookie. Reports
    /// CLOSED→SYN_RECEIVED→ESTABLISHED, as Linux's cookie_v4_check creates the child in SYN_RECV, then
    /// handles the rest of the segment (data, FIN) as usual. Like <see cref="AcceptSyn"/>, the child
    /// ends in CLOSED.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="ack"/> is not a plain ACK of <paramref name="iss"/> + 1.</exception>
    public TcpError AcceptCookieAck<TSink>(TimeSpan now, in Segment ack, SeqNum iss, TSink sink) where TSink : ITcpSink
    {
        if ((ack.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Ack || ack.Ack != iss + 1)
        {
            throw new ArgumentException($"a SYN cookie needs an ACK of {iss + 1} without SYN or RST, got [{ack.Flags.ToWireshark()}] ack={ack.Ack}", nameof(ack));
        }
        if (ack.SrcPort == 0 || ack.DstPort == 0)
        {
            throw new ArgumentException("a segment from or to port 0 cannot open a connection", nameof(ack));
        }
        if (_state != TcpState.Closed) return TcpError.AlreadyOpen;

        ResetConnection();
        _tuple = ack.ReceiverTuple;
        SetIss(iss);
        // The stateless SYN-ACK took ISS; the peer's SYN took the number just before its ACK's.
        _sndNxt = iss + 1;
        _sndMax = iss + 1;
        _irs = ack.Seq - 1;
        _rcvNxt = ack.Seq;
        _sndWnd = ack.Window;
        _flags = Flag.Passive | Flag.Child;
        SetState(TcpState.SynReceived, sink);
        OnSegmentSynchronized(now.Ticks, ack, sink);
        AssertInvariants();
        return TcpError.None;
    }

    /// <summary>
    /// Whether a host may end this TIME_WAIT to let <paramref name="syn"/> open a new incarnation of
    /// the same 4-tuple (RFC 1122 §4.2.2.13, Linux TCP_TW_SYN in tcp_timewait_state_process): a bare
    /// SYN whose sequence number lies beyond everything received. <paramref name="iss"/> is the ISN the
    /// new connection should use, beyond the old one's (Linux: tw_snd_nxt + 65535 + 2). The host then
    /// aborts this endpoint and admits the SYN as usual.
    /// </summary>
    public bool AcceptsNewSynInTimeWait(in Segment syn, out SeqNum iss)
    {
        iss = _sndNxt + 65537;
        return _state == TcpState.TimeWait
            && (syn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn
            && syn.Seq > _rcvNxt;
    }

    /// <summary>
    /// SEND: queues <paramref name="bytes"/> bytes and transmits what the peer's window allows, in
    /// segments of at most MSS bytes. Data queued before the handshake completes goes out after it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public TcpError Send<TSink>(TimeSpan now, int bytes, TSink sink) where TSink : ITcpSink
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (_state is TcpState.Closed or TcpState.Listen) return TcpError.NotConnected;
        if ((_flags & (Flag.FinQueued | Flag.AppClosed)) != 0) return TcpError.WriteShutdown;
        if (_sndEnd - _sndUna + (long)bytes > MaxQueuedBytes) return TcpError.BufferFull;
        if (bytes == 0) return TcpError.None;

        _sndEnd += bytes;
        TransmitPending(now.Ticks, sink);
        AssertInvariants();
        return TcpError.None;
    }

    /// <summary>
    /// RECEIVE: consumes up to <paramref name="maxBytes"/> received bytes and returns how many were
    /// read. When this reopens a window that had shrunk below one MSS, a window update is sent.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    public int Read<TSink>(TimeSpan now, int maxBytes, TSink sink) where TSink : ITcpSink
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        int read = (int)Math.Min(_rcvUnread, (uint)maxBytes);
        if (read == 0) return 0;

        int before = ReceiveWindow;
        _rcvUnread -= (uint)read;
        // Receiver-side silly window avoidance (RFC 1122 §4.2.3.3): announce only a window of an MSS or more.
        if (before < _profile.Mss && ReceiveWindow >= _profile.Mss && IsSynchronized(_state) && _state != TcpState.TimeWait)
        {
            SendAck(sink);
        }
        return read;
    }

    /// <summary>
    /// shutdown(SHUT_WR): sends FIN after the queued data. ESTABLISHED goes to FIN_WAIT_1, CLOSE_WAIT to
    /// LAST_ACK, SYN_RECEIVED to FIN_WAIT_1 (RFC 9293 §3.10.4); in SYN_SENT the attempt is dropped, as
    /// Linux does (tcp_shutdown → tcp_close_state). The endpoint can still receive.
    /// </summary>
    public TcpError ShutdownWrite<TSink>(TimeSpan now, TSink sink) where TSink : ITcpSink
    {
        switch (_state)
        {
            case TcpState.Closed:
            case TcpState.Listen:
                return TcpError.NotConnected;
            case TcpState.SynSent:
                SetState(TcpState.Closed, sink);
                return TcpError.None;
        }
        QueueFin(now.Ticks, sink);
        return TcpError.None;
    }

    /// <summary>
    /// CLOSE (RFC 9293 §3.10.4) with the socket's close() semantics: the endpoint becomes an orphan.
    /// LISTEN and SYN_SENT go straight to CLOSED sending nothing; a connection sends FIN after its
    /// queued data (ESTABLISHED→FIN_WAIT_1, CLOSE_WAIT→LAST_ACK); unread received data turns the
    /// close into a reset (RFC 2525 §2.17, Linux tcp_close). An orphaned FIN_WAIT_2 ends after
    /// fin_timeout, and new data arriving after close is answered with RST.
    /// </summary>
    public TcpError Close<TSink>(TimeSpan now, TSink sink) where TSink : ITcpSink
    {
        if ((_flags & Flag.AppClosed) != 0) return TcpError.AlreadyClosed;
        _flags |= Flag.AppClosed;
        long t = now.Ticks;
        switch (_state)
        {
            case TcpState.Closed:
                return TcpError.None;
            case TcpState.Listen:
            case TcpState.SynSent:
                SetState(TcpState.Closed, sink);
                return TcpError.None;
            case TcpState.TimeWait:
                return TcpError.None;
        }

        if (_rcvUnread > 0)
        {
            SendActiveReset(sink);
            return TcpError.None;
        }
        if (_state == TcpState.FinWait2)
        {
            ArmIdleTimer(t);
            return TcpError.None;
        }
        QueueFin(t, sink);
        return TcpError.None;
    }

    /// <summary>
    /// ABORT (close with SO_LINGER 0): a synchronized connection is reset with RST and goes to CLOSED
    /// without TIME_WAIT. CLOSING, LAST_ACK and TIME_WAIT just end; LISTEN and SYN_SENT end silently
    /// (RFC 9293 §3.10.5).
    /// </summary>
    public TcpError Abort<TSink>(TimeSpan now, TSink sink) where TSink : ITcpSink
    {
        _flags |= Flag.AppClosed;
        switch (_state)
        {
            case TcpState.Closed:
                return TcpError.None;
            case TcpState.SynReceived:
            case TcpState.Established:
            case TcpState.FinWait1:
            case TcpState.FinWait2:
            case TcpState.CloseWait:
                SendActiveReset(sink);
                return TcpError.None;
            default:
                SetState(TcpState.Closed, sink);
                return TcpError.None;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// A segment for this endpoint arrived at <paramref name="now"/>. The driver routes by 4-tuple;
    /// the endpoint does not check addresses.
    /// </summary>
    public void OnSegment<TSink>(TimeSpan now, in Segment seg, TSink sink) where TSink : ITcpSink
    {
        long t = now.Ticks;
        switch (_state)
        {
            case TcpState.Closed:
                // RFC 9293 §3.10.7.1: in CLOSED every segment but a RST is answered with RST.
                if (Segment.TryResetFor(seg, out var rst)) sink.Transmit(rst);
                return;
            case TcpState.Listen:
                OnSegmentInListen(t, seg, sink);
                break;
            case TcpState.SynSent:
                OnSegmentInSynSent(t, seg, sink);
                break;
            case TcpState.TimeWait:
                OnSegmentInTimeWait(t, seg, sink);
                break;
            default:
                OnSegmentSynchronized(t, seg, sink);
                break;
        }
        AssertInvariants();
    }

    /// <summary>
    /// Virtual time has advanced to <paramref name="now"/>: fires whatever is due (a delayed ACK
    /// first, then the main timer). Calling it early or twice does nothing.
    /// </summary>
    public void OnTimer<TSink>(TimeSpan now, TSink sink) where TSink : ITcpSink
    {
        long t = now.Ticks;
        if (_ackAt <= t)
        {
            SendAck(sink);
        }
        if (_timerAt > t) return;

        switch (_timer)
        {
            case TcpTimer.Retransmit:
                OnRetransmitTimeout(t, sink);
                break;
            case TcpTimer.Keepalive:
                OnKeepaliveTimeout(t, sink);
                break;
            case TcpTimer.TimeWait:
                // RFC 9293 §3.10.8: when the time-wait timeout expires, delete the TCB.
                SetState(TcpState.Closed, sink);
                break;
            case TcpTimer.FinWait2:
                // Linux tcp_fin_timeout: an orphan waits no longer for the peer's FIN; no RST is sent.
                SetState(TcpState.Closed, sink);
                break;
        }
        AssertInvariants();
    }

    // ---------------------------------------------------------------------------------------------
    // Segment arrival, RFC 9293 §3.10.7
    // ---------------------------------------------------------------------------------------------

    private void OnSegmentInListen<TSink>(long t, in Segment seg, TSink sink) where TSink : ITcpSink
    {
        // (LISTEN, RST): ignore (§3.10.7.2 first check).
        if (seg.Has(TcpFlags.Rst)) return;

        // (LISTEN, ACK): nothing can be acknowledged yet; <SEQ=SEG.ACK><CTL=RST> (second check).
        if (seg.Has(TcpFlags.Ack))
        {
            if (Segment.TryResetFor(seg, out var rst)) sink.Transmit(rst);
            return;
        }

        // (LISTEN, SYN): remember the peer, answer SYN-ACK, go to SYN_RECEIVED (third check).
        if (seg.Has(TcpFlags.Syn))
        {
            uint localAddr = _tuple.LocalAddr != 0 ? _tuple.LocalAddr : seg.DstAddr;
            _tuple = new FourTuple(localAddr, _tuple.LocalPort, seg.SrcAddr, seg.SrcPort);
            BeginPassiveOpen(t, seg, sink);
        }
        // Anything else is dropped (fourth check).
    }

    private void BeginPassiveOpen<TSink>(long t, in Segment syn, TSink sink) where TSink : ITcpSink
    {
        _irs = syn.Seq;
        _rcvNxt = syn.Seq + 1;
        _sndWnd = syn.Window;
        SetState(TcpState.SynReceived, sink);
        TransmitSyn(t, sink);
    }

    private void OnSegmentInSynSent<TSink>(long t, in Segment seg, TSink sink) where TSink : ITcpSink
    {
        // (SYN_SENT, ACK): unacceptable unless ISS < SEG.ACK =< SND.NXT; answer <SEQ=SEG.ACK><CTL=RST>
        // unless it is itself a RST (§3.10.7.3 first check). This is how a client rejects the SYN-ACK
        // to an old duplicate SYN it no longer stands behind.
        bool ackAcceptable = false;
        if (seg.Has(TcpFlags.Ack))
        {
            if (seg.Ack <= _iss || seg.Ack > _sndMax)
            {
                if (!seg.Has(TcpFlags.Rst) && Segment.TryResetFor(seg, out var rst)) sink.Transmit(rst);
                return;
            }
            ackAcceptable = true;
        }

        // (SYN_SENT, RST): only with an acceptable ACK — the connection was refused (second check).
        if (seg.Has(TcpFlags.Rst))
        {
            if (ackAcceptable)
            {
                sink.Notify(this, TcpEvent.Refused, 0);
                SetState(TcpState.Closed, sink);
            }
            return;
        }

        if (!seg.Has(TcpFlags.Syn)) return;

        // (SYN_SENT, SYN): the peer's ISN (fourth check).
        _irs = seg.Seq;
        _rcvNxt = seg.Seq + 1;
        _sndWnd = seg.Window;
        if (ackAcceptable)
        {
            // (SYN_SENT, SYN-ACK) → ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
            OnAckAdvance(t, seg.Ack);
            Establish(t, sink);
            SendAck(sink);
            TransmitPending(t, sink);
        }
        else
        {
            // (SYN_SENT, SYN) simultaneous open → SYN_RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
            // The retransmission timer keeps running: SYN_RECEIVED now retransmits the SYN-ACK.
            SetState(TcpState.SynReceived, sink);
            Emit(t, _iss, 0, TcpFlags.Syn | TcpFlags.Ack, sink);
        }
    }

    private void OnSegmentInTimeWait<TSink>(long t, in Segment seg, TSink sink) where TSink : ITcpSink
    {
        if (seg.Has(TcpFlags.Rst))
        {
            // (TIME_WAIT, RST): an exact RST ends TIME_WAIT early ("assassination") unless RFC 1337's
            // fix is on; any other RST is ignored (Linux tcp_timewait_state_process).
            if (seg.Seq == _rcvNxt && !_profile.Rfc1337)
            {
                sink.Notify(this, TcpEvent.Reset, 0);
                SetState(TcpState.Closed, sink);
            }
            return;
        }

        // (TIME_WAIT, FIN): the only thing that can arrive is a retransmission of the peer's FIN —
        // acknowledge it and restart the 2·MSL timeout (RFC 9293 §3.10.7.4, seventh check).
        if (seg.Has(TcpFlags.Fin))
        {
            SendAck(sink);
            ArmTimeWait(t);
            return;
        }

        // Unacceptable segments (a SYN included, RFC 5961 §4) get an ACK, rate-limited as in Linux's
        // tcp_timewait_check_oow_rate_limit; acceptable ones are dropped.
        if (!IsAcceptable(seg) && !OutOfWindowAckLimited(t, seg)) SendAck(sink);
    }

    private void OnSegmentSynchronized<TSink>(long t, in Segment incoming, TSink sink) where TSink : ITcpSink
    {
        Segment seg = incoming;

        if (_state == TcpState.SynReceived && seg.Has(TcpFlags.Syn) && !seg.Has(TcpFlags.Rst) && seg.Seq == _irs)
        {
            if (seg.Has(TcpFlags.Ack) && seg.Ack == _sndMax && (_flags & Flag.Passive) == 0)
            {
                // (SYN_RECEIVED, SYN-ACK) in a simultaneous open: the peer's SYN-ACK acknowledges our
                // SYN; treat it as the ACK that completes the handshake (Linux tcp_validate_incoming).
                seg = seg with { Flags = seg.Flags & ~TcpFlags.Syn, Seq = seg.Seq + 1 };
            }
            else
            {
                // (SYN_RECEIVED, SYN again): the peer did not get our SYN-ACK; send it again at once
                // (Linux tcp_check_req → inet_rtx_syn_ack). The retry budget is not charged.
                sink.Notify(this, TcpEvent.Retransmission, 0);
                Emit(t, _iss, 0, TcpFlags.Syn | TcpFlags.Ack, sink);
                return;
            }
        }

        // First check: sequence number. An unacceptable segment is answered with an ACK unless it is
        // a RST. Retransmitted FINs in CLOSE_WAIT, CLOSING and LAST_ACK are re-ACKed this way.
        if (!IsAcceptable(seg))
        {
            if (!seg.Has(TcpFlags.Rst) && !OutOfWindowAckLimited(t, seg)) SendAck(sink);
            return;
        }

        // Second check: RST. RFC 5961 §3.2: only an exact RCV.NXT resets; elsewhere in the window the
        // sender must prove itself with a challenge ACK first.
        if (seg.Has(TcpFlags.Rst))
        {
            if (seg.Seq != _rcvNxt)
            {
                if (!OutOfWindowAckLimited(t, seg)) SendAck(sink);
                return;
            }
            OnResetAccepted(sink);
            return;
        }

        // Fourth check: SYN in a synchronized state.
        if (seg.Has(TcpFlags.Syn))
        {
            if (_state == TcpState.SynReceived && (_flags & Flag.Passive) != 0)
            {
                // RFC 9293 §3.10.7.4: a passive SYN_RECEIVED goes back to LISTEN.
                ReturnToListen(TcpEvent.ReturnedToListen, sink);
                return;
            }
            // RFC 5961 §4: challenge ACK, never a reset.
            if (!OutOfWindowAckLimited(t, seg)) SendAck(sink);
            return;
        }

        // Fifth check: ACK. Without it the segment is dropped.
        if (!seg.Has(TcpFlags.Ack)) return;

        if (_state == TcpState.SynReceived)
        {
            // (SYN_RECEIVED, ACK): SND.UNA < SEG.ACK =< SND.NXT completes the handshake; any other ACK
            // belongs to something else, <SEQ=SEG.ACK><CTL=RST>.
            if (seg.Ack <= _sndUna || seg.Ack > _sndMax)
            {
                if (Segment.TryResetFor(seg, out var rst)) sink.Transmit(rst);
                return;
            }
            OnAckAdvance(t, seg.Ack);
            _sndWnd = seg.Window;
            Establish(t, sink);
        }
        else
        {
            if (seg.Ack > _sndMax)
            {
                // Acknowledges something not yet sent: ACK and drop.
                SendAck(sink);
                return;
            }
            if (seg.Ack >= _sndUna)
            {
                if (seg.Ack > _sndUna) OnAckAdvance(t, seg.Ack);
                _sndWnd = seg.Window;
            }
            if (_sndUna == _sndMax && _timer == TcpTimer.Retransmit && _retransmits > 0 && (_flags & Flag.AppClosed) == 0)
            {
                // An answered window probe: the peer is alive, so probing may go on for as long as its
                // window stays shut (RFC 1122 §4.2.2.17; Linux tcp_ack resets icsk_probes_out). An
                // orphan keeps counting and gives up after its retries, as Linux's tcp_probe_timer does
                // for dead sockets.
                _retransmits = 0;
                _rtxStamp = t;
            }
        }

        // Any acceptable segment is a sign of life (Linux resets icsk_probes_out in tcp_ack).
        _probes = 0;
        if (_timer == TcpTimer.Keepalive) _timerAt = t + _profile.KeepaliveIdle.Ticks;

        bool finAcked = (_flags & Flag.FinQueued) != 0 && _sndUna == _sndEnd + 1;
        switch (_state)
        {
            case TcpState.FinWait1 when finAcked:
                // (FIN_WAIT_1, ACK of FIN) → FIN_WAIT_2.
                SetState(TcpState.FinWait2, sink);
                ArmIdleTimer(t);
                break;
            case TcpState.Closing when finAcked:
                // (CLOSING, ACK of FIN) → TIME_WAIT.
                EnterTimeWait(t, sink);
                return;
            case TcpState.LastAck when finAcked:
                // (LAST_ACK, ACK of FIN) → CLOSED.
                SetState(TcpState.Closed, sink);
                return;
        }

        // Sixth check: segment text, in ESTABLISHED, FIN_WAIT_1 and FIN_WAIT_2 only.
        bool inOrder = true;
        if (seg.PayloadLength > 0)
        {
            if (_state is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
            {
                if (!AcceptText(t, seg, sink)) return;
                inOrder = seg.Seq + seg.PayloadLength == _rcvNxt;
            }
            else
            {
                inOrder = false;
            }
        }
        else if (seg.Seq != _rcvNxt)
        {
            inOrder = false;
        }

        // Seventh check: FIN, accepted only in order (out-of-order segments are not queued).
        if (seg.Has(TcpFlags.Fin) && inOrder && (_flags & Flag.PeerFin) == 0)
        {
            OnFin(t, sink);
            if (_state == TcpState.Closed) return;
        }

        TransmitPending(t, sink);
    }

    /// <summary>
    /// In-order payload (RFC 9293 §3.10.7.4, sixth check). Returns false when the segment ended the
    /// connection.
    /// </summary>
    private bool AcceptText<TSink>(long t, in Segment seg, TSink sink) where TSink : ITcpSink
    {
        int offset = _rcvNxt - seg.Seq;
        if (offset < 0)
        {
            // Out of order: not queued (no SACK, no reassembly); a duplicate ACK tells the sender
            // where the hole is (RFC 5681 §4.2: out-of-order data SHOULD be ACKed at once).
            SendAck(sink);
            return true;
        }
        int fresh = seg.PayloadLength - offset;
        if (fresh <= 0)
        {
            // An old duplicate: our ACK was lost, repeat it.
            SendAck(sink);
            return true;
        }
        fresh = Math.Min(fresh, ReceiveWindow);
        if (fresh <= 0)
        {
            SendAck(sink);
            return true;
        }

        if ((_flags & Flag.AppClosed) != 0)
        {
            // New data for an application that has closed: RFC 1122 §4.2.2.13 and Linux
            // (TCPAbortOnData in tcp_rcv_state_process) answer with RST and drop the connection.
            if (Segment.TryResetFor(seg, out var rst)) sink.Transmit(rst);
            sink.Notify(this, TcpEvent.Aborted, 0);
            SetState(TcpState.Closed, sink);
            return false;
        }

        _rcvNxt += fresh;
        _rcvUnread += (uint)fresh;
        sink.Notify(this, TcpEvent.DataReceived, fresh);

        // Delayed ACK (RFC 1122 §4.2.3.2, RFC 5681 §4.2): at least every second full-sized segment is
        // ACKed at once (Linux __tcp_ack_snd_check); otherwise the ACK waits for data to ride on.
        if (seg.PayloadLength >= _profile.Mss) _fullSegmentsUnacked++;
        if (_fullSegmentsUnacked >= 2 || _profile.DelayedAck == TimeSpan.Zero || fresh < seg.PayloadLength - offset)
        {
            SendAck(sink);
        }
        else if (_ackAt == Never)
        {
            _ackAt = t + _profile.DelayedAck.Ticks;
        }
        return true;
    }

    /// <summary>The peer's FIN, in order (RFC 9293 §3.10.7.4, seventh check).</summary>
    private void OnFin<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        _rcvNxt += 1;
        _flags |= Flag.PeerFin;
        switch (_state)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                // (ESTABLISHED, FIN) → CLOSE_WAIT. The ACK may wait for the delayed-ACK timer: if the
                // application closes meanwhile, the FIN carries it (three-segment close; Linux enters
                // pingpong mode in tcp_fin()). FreeBSD ACKs it at once (AckFinAtOnce).
                SetState(TcpState.CloseWait, sink);
                if (_profile.DelayedAck == TimeSpan.Zero || _profile.AckFinAtOnce) SendAck(sink);
                else if (_ackAt == Never) _ackAt = t + _profile.DelayedAck.Ticks;
                break;
            case TcpState.FinWait1:
                // (FIN_WAIT_1, FIN without the ACK of ours) → CLOSING: simultaneous close.
                SetState(TcpState.Closing, sink);
                SendAck(sink);
                break;
            case TcpState.FinWait2:
                // (FIN_WAIT_2, FIN) → TIME_WAIT, ACK at once.
                SendAck(sink);
                EnterTimeWait(t, sink);
                break;
        }
        // Told after the state change, so the application sees CLOSE_WAIT (or TIME_WAIT) when it hears.
        sink.Notify(this, TcpEvent.PeerClosed, 0);
    }

    private void OnResetAccepted<TSink>(TSink sink) where TSink : ITcpSink
    {
        if (_state == TcpState.SynReceived)
        {
            if ((_flags & Flag.Passive) != 0)
            {
                // (SYN_RECEIVED, RST) from a passive OPEN → back to LISTEN; no resources stay held.
                ReturnToListen(TcpEvent.ReturnedToListen, sink);
                return;
            }
            // (SYN_RECEIVED, RST) from an active OPEN: the connection was refused.
            sink.Notify(this, TcpEvent.Refused, 0);
            SetState(TcpState.Closed, sink);
            return;
        }
        // (ESTABLISHED…LAST_ACK, RST) → CLOSED, "connection reset".
        sink.Notify(this, TcpEvent.Reset, 0);
        SetState(TcpState.Closed, sink);
    }

    private void ReturnToListen<TSink>(TcpEvent reason, TSink sink) where TSink : ITcpSink
    {
        if (reason != TcpEvent.ReturnedToListen) sink.Notify(this, reason, 0);
        sink.Notify(this, TcpEvent.ReturnedToListen, 0);
        if ((_flags & Flag.Child) != 0)
        {
            SetState(TcpState.Closed, sink);
            return;
        }
        var listenOn = new FourTuple(_tuple.LocalAddr, _tuple.LocalPort, 0, 0);
        var iss = _iss;
        ResetConnection();
        _tuple = listenOn;
        SetIss(iss);
        _flags = Flag.Passive;
        SetState(TcpState.Listen, sink);
    }

    private void Establish<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        // RFC 6298 §5.7: a SYN that had to be retransmitted leaves RTO at 3 s, not at its backoff.
        if ((_flags & Flag.SynRetransmitted) != 0) _rtt.OnSynRetransmittedHandshakeDone(_profile);
        SetState(TcpState.Established, sink);
        if (_sndUna == _sndMax) ArmIdleTimer(t);
        sink.Notify(this, TcpEvent.Established, 0);
    }

    private void EnterTimeWait<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        SetState(TcpState.TimeWait, sink);
        ArmTimeWait(t);
    }

    /// <summary>
    /// Linux tcp_oow_rate_limited: segments carrying data are always answered; pure ACKs, SYNs and
    /// RSTs get at most one answer per <see cref="s_invalidRateLimitTicks"/>.
    /// </summary>
    private bool OutOfWindowAckLimited(long t, in Segment seg)
    {
        if (seg.PayloadLength > 0 && !seg.Has(TcpFlags.Syn)) return false;
        if (t - _lastOowAckAt < s_invalidRateLimitTicks) return true;
        _lastOowAckAt = t;
        return false;
    }

    /// <summary>
    /// Whether <paramref name="seg"/> would pass the sequence check of RFC 9293 §3.10.7.4 now. A host
    /// asks before it lets a segment complete a handshake: in SYN_RECEIVED only an acceptable ACK
    /// moves the connection to ESTABLISHED, so a keepalive probe (SEQ = RCV.NXT − 1) from a client
    /// whose own final ACK was lost must not take the connection off the SYN queue.
    /// </summary>
    public bool IsAcceptableSequence(in Segment seg) => IsAcceptable(seg);

    /// <summary>Whether a segment passes RFC 9293 §3.10.7.4's first check (the four-case table).</summary>
    private bool IsAcceptable(in Segment seg)
    {
        uint wnd = (uint)ReceiveWindow;
        uint len = seg.SeqLength;
        if (len == 0)
        {
            return wnd == 0 ? seg.Seq == _rcvNxt : seg.Seq.InWindow(_rcvNxt, wnd);
        }
        if (wnd == 0) return false;
        return seg.Seq.InWindow(_rcvNxt, wnd) || (seg.Seq + (len - 1)).InWindow(_rcvNxt, wnd);
    }

    // ---------------------------------------------------------------------------------------------
    // Acknowledgments and RTT (RFC 6298)
    // ---------------------------------------------------------------------------------------------

    private void OnAckAdvance(long t, SeqNum ack)
    {
        // RFC 6298 §2.2/§2.3: a sample if the timed segment is covered (Karn's rule inside).
        _rtt.OnAckAdvance(t, ack, _profile);
        _sndUna = ack;
        if (_sndNxt < ack) _sndNxt = ack;
        _retransmits = 0;

        if (_sndUna == _sndMax)
        {
            ArmIdleTimer(t);
        }
        else
        {
            // RFC 6298 §5.3: an ACK for new data restarts the timer.
            ArmRetransmit(t);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Timers
    // ---------------------------------------------------------------------------------------------

    private void OnRetransmitTimeout<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        if (RetriesExhausted(t - _rtxStamp))
        {
            if (_state == TcpState.SynReceived && (_flags & Flag.Passive) != 0)
            {
                // Linux drops a request whose SYN-ACKs ran out (reqsk_timer_handler); the listener stays.
                ReturnToListen(TcpEvent.TimedOut, sink);
                return;
            }
            // RFC 9293 §3.8.3 R2 / Linux tcp_write_err: give up without a RST.
            sink.Notify(this, TcpEvent.TimedOut, 0);
            SetState(TcpState.Closed, sink);
            return;
        }

        _retransmits++;
        _rtt.StopTiming(); // Karn: the retransmitted segment is not timed.
        if (_state is TcpState.SynSent or TcpState.SynReceived) _flags |= Flag.SynRetransmitted;

        if (_sndUna == _sndMax)
        {
            // Persist timer: nothing in flight, data held back by a zero window. Like Linux
            // (tcp_send_probe0 → tcp_xmit_probe_skb) send an out-of-window SEG.SEQ = SND.UNA-1 with no
            // data; the peer's ACK carries its current window.
            sink.Transmit(MakeSegment(_sndUna - 1, 0, TcpFlags.Ack));
        }
        else
        {
            // Go back to the oldest unacknowledged byte and resend one segment; the rest follows as
            // ACKs come back (no congestion control: see docs/tcp-model.md).
            _sndNxt = _sndUna;
            sink.Notify(this, TcpEvent.Retransmission, 0);
            TransmitOne(t, sink);
        }

        // RFC 6298 §5.5 backoff, capped at max_rto (§2.5). Linux keeps the first
        // tcp_syn_linear_timeouts SYN retransmissions at a flat RTO (tcp_retransmit_timer).
        if (!(_state == TcpState.SynSent && _retransmits <= _profile.SynLinearTimeouts))
        {
            _rtt.BackOff(_profile);
        }
        _timer = TcpTimer.Retransmit;
        _timerAt = ClampToConnectTimeout(t + _rtt.RtoTicks);
    }

    /// <summary>
    /// Whether the retry limit of the current state is reached: a retry count (RFC 9293 §3.8.3), and
    /// with <see cref="TcpProfile.RetriesAsTimeBudget"/> also Linux's time budget
    /// (<c>retransmits_timed_out()</c>), whichever comes first.
    /// </summary>
    private bool RetriesExhausted(long elapsed)
    {
        var p = _profile;
        int maxRetries;
        long budget = Never;
        switch (_state)
        {
            case TcpState.SynSent:
                // Linux tcp_write_timeout: syn_retries plus the linear timeouts; the budget is the
                // doubling time of syn_retries plus one initial RTO per linear timeout (127 + 4 s).
                maxRetries = p.SynRetries + p.SynLinearTimeouts;
                if (p.RetriesAsTimeBudget)
                {
                    budget = ModelTimeout(p.SynRetries, p.InitialRto.Ticks) + p.SynLinearTimeouts * p.InitialRto.Ticks;
                }
                if (p.ConnectTimeout is { } keepInit) budget = Math.Min(budget, keepInit.Ticks);
                break;
            case TcpState.SynReceived:
                maxRetries = (_flags & Flag.Passive) != 0 ? p.SynAckRetries : p.SynRetries;
                if (p.RetriesAsTimeBudget) budget = ModelTimeout(maxRetries, p.InitialRto.Ticks);
                break;
            default:
                // Data and FIN: tcp_retries2, or tcp_orphan_retries once the application has closed.
                maxRetries = p.OrphanRetries is { } orphan && (_flags & Flag.AppClosed) != 0 ? orphan : p.DataRetries;
                if (p.RetriesAsTimeBudget) budget = ModelTimeout(maxRetries, p.MinRto.Ticks);
                break;
        }
        return _retransmits >= maxRetries || elapsed >= budget;
    }

    /// <summary>
    /// Linux <c>tcp_model_timeout()</c>: the time <paramref name="boundary"/> retransmissions take when
    /// the RTO doubles from <paramref name="rtoBase"/> up to max_rto and then stays there.
    /// </summary>
    private long ModelTimeout(int boundary, long rtoBase)
    {
        long rtoMax = _profile.MaxRto.Ticks;
        int threshold = BitOperations.Log2((ulong)Math.Max(1, rtoMax / rtoBase));
        if (boundary <= threshold) return ((2L << boundary) - 1) * rtoBase;
        return ((2L << threshold) - 1) * rtoBase + (boundary - threshold) * rtoMax;
    }

    private void OnKeepaliveTimeout<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        if (_probes >= _profile.KeepaliveProbes)
        {
            // Linux tcp_keepalive_timer: tcp_send_active_reset, then tcp_write_err (ETIMEDOUT).
            sink.Transmit(MakeSegment(_sndNxt, 0, TcpFlags.Rst | TcpFlags.Ack));
            sink.Notify(this, TcpEvent.TimedOut, 0);
            SetState(TcpState.Closed, sink);
            return;
        }
        // RFC 1122 §4.2.3.6: a probe with SEG.SEQ = SND.NXT-1 and no data makes the peer ACK.
        sink.Transmit(MakeSegment(_sndNxt - 1, 0, TcpFlags.Ack));
        _probes++;
        _timerAt = t + _profile.KeepaliveInterval.Ticks;
    }

    private void ArmRetransmit(long t)
    {
        if (_retransmits == 0) _rtxStamp = t;
        _timer = TcpTimer.Retransmit;
        _timerAt = ClampToConnectTimeout(t + _rtt.RtoTicks);
    }

    private long ClampToConnectTimeout(long at)
    {
        // BSD keepinit: connect() ends at a fixed time whatever the RTO says.
        if (_state == TcpState.SynSent && _profile.ConnectTimeout is { } keepInit)
        {
            return Math.Min(at, _rtxStamp + keepInit.Ticks);
        }
        return at;
    }

    /// <summary>Nothing is outstanding: choose the idle mode of the current state.</summary>
    private void ArmIdleTimer(long t)
    {
        if (_state == TcpState.FinWait2 && (_flags & Flag.AppClosed) != 0 && _profile.FinTimeout is { } finTimeout)
        {
            _timer = TcpTimer.FinWait2;
            _timerAt = t + finTimeout.Ticks;
        }
        else if (_profile.KeepaliveEnabled && _state is TcpState.Established or TcpState.CloseWait or TcpState.FinWait2)
        {
            _timer = TcpTimer.Keepalive;
            _timerAt = t + _profile.KeepaliveIdle.Ticks;
        }
        else
        {
            _timer = TcpTimer.None;
            _timerAt = Never;
        }
    }

    private void ArmTimeWait(long t)
    {
        _timer = TcpTimer.TimeWait;
        _timerAt = (_faults & EndpointFaults.TimeWaitNeverExpires) != 0 ? Never : t + _profile.TimeWait.Ticks;
    }

    // ---------------------------------------------------------------------------------------------
    // Output
    // ---------------------------------------------------------------------------------------------

    private void TransmitSyn<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        _rtt.StartHandshake(_profile);
        Emit(t, _iss, 0, _state == TcpState.SynSent ? TcpFlags.Syn : TcpFlags.Syn | TcpFlags.Ack, sink);
    }

    /// <summary>Sends queued data (MSS-sized, within the peer's window) and then a queued FIN.</summary>
    private void TransmitPending<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        if (_state is TcpState.Closed or TcpState.Listen or TcpState.SynSent or TcpState.SynReceived or TcpState.TimeWait) return;
        while (TransmitNext(t, ignoreWindow: false, sink))
        {
        }
        // Data the peer's window holds back, with nothing in flight to bring an ACK: the retransmission
        // timer doubles as the persist timer (RFC 9293 §3.8.6.1), and its expiry sends one MSS as the
        // window probe. Backoff and retry limits are those of data.
        if (_timer != TcpTimer.Retransmit && _sndEnd - _sndNxt > 0) ArmRetransmit(t);
    }

    /// <summary>One segment from SND.NXT regardless of the window: the retransmission of the head.</summary>
    private void TransmitOne<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        if (_sndNxt == _iss)
        {
            // The SYN itself is unacknowledged.
            Emit(t, _iss, 0, _state == TcpState.SynSent ? TcpFlags.Syn : TcpFlags.Syn | TcpFlags.Ack, sink);
            return;
        }
        TransmitNext(t, ignoreWindow: true, sink);
    }

    private bool TransmitNext<TSink>(long t, bool ignoreWindow, TSink sink) where TSink : ITcpSink
    {
        bool finQueued = (_flags & Flag.FinQueued) != 0;
        int pending = _sndEnd - _sndNxt;
        if (pending > 0)
        {
            int usable = ignoreWindow ? _profile.Mss : _sndUna + _sndWnd - _sndNxt;
            int len = Math.Min(Math.Min(pending, _profile.Mss), usable);
            if (len <= 0) return false;
            var flags = TcpFlags.Ack;
            if (len == pending)
            {
                // PSH on the segment that empties the send buffer, as Linux does at the end of a write.
                flags |= TcpFlags.Psh;
                if (finQueued) flags |= TcpFlags.Fin;
            }
            Emit(t, _sndNxt, len, flags, sink);
            return true;
        }
        if (finQueued && pending == 0)
        {
            Emit(t, _sndNxt, 0, TcpFlags.Fin | TcpFlags.Ack, sink);
            return false;
        }
        return false;
    }

    /// <summary>Puts one sequence-space-consuming segment on the wire and does the bookkeeping.</summary>
    private void Emit<TSink>(long t, SeqNum seq, int len, TcpFlags flags, TSink sink) where TSink : ITcpSink
    {
        var segment = MakeSegment(seq, len, flags);
        bool nothingInFlight = _sndUna == _sndMax;
        SeqNum end = seq + segment.SeqLength;
        if (_sndNxt < end) _sndNxt = end;
        if (_sndMax < end)
        {
            // New sequence space: timed if nothing is (one sample per RTT, RFC 6298 §3) and the
            // head is not being retransmitted (Karn).
            _rtt.OnNewSequenceSent(t, seq, headRetransmitted: _retransmits != 0);
            _sndMax = end;
        }
        if ((flags & TcpFlags.Ack) != 0) AckSent();
        // RFC 6298 §5.1: start the timer if it is not running; the persist timer gives way to it.
        if (_timer != TcpTimer.Retransmit || nothingInFlight) ArmRetransmit(t);
        sink.Transmit(segment);
    }

    /// <summary>A bare ACK, &lt;SEQ=SND.NXT&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=ACK&gt;.</summary>
    private void SendAck<TSink>(TSink sink) where TSink : ITcpSink
    {
        AckSent();
        if (_state == TcpState.Closing && (_faults & EndpointFaults.ClosingNeverAcks) != 0) return;
        sink.Transmit(MakeSegment(_sndNxt, 0, TcpFlags.Ack));
    }

    private void AckSent()
    {
        _ackAt = Never;
        _fullSegmentsUnacked = 0;
    }

    /// <summary>Reset a connection from our side (abort, close with unread data): RST,ACK at SND.NXT.</summary>
    private void SendActiveReset<TSink>(TSink sink) where TSink : ITcpSink
    {
        sink.Transmit(MakeSegment(_sndNxt, 0, TcpFlags.Rst | TcpFlags.Ack));
        sink.Notify(this, TcpEvent.Aborted, 0);
        SetState(TcpState.Closed, sink);
    }

    private void QueueFin<TSink>(long t, TSink sink) where TSink : ITcpSink
    {
        if ((_flags & Flag.FinQueued) != 0) return;
        switch (_state)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                // (ESTABLISHED, CLOSE) → FIN_WAIT_1; (SYN_RECEIVED, CLOSE) → FIN_WAIT_1 (RFC 9293 §3.10.4).
                _flags |= Flag.FinQueued;
                SetState(TcpState.FinWait1, sink);
                break;
            case TcpState.CloseWait:
                // (CLOSE_WAIT, CLOSE) → LAST_ACK. The FIN carries the ACK still owed for the peer's FIN.
                _flags |= Flag.FinQueued;
                SetState(TcpState.LastAck, sink);
                break;
            default:
                return;
        }
        TransmitPending(t, sink);
    }

    private Segment MakeSegment(SeqNum seq, int len, TcpFlags flags) => new()
    {
        SrcAddr = _tuple.LocalAddr,
        SrcPort = _tuple.LocalPort,
        DstAddr = _tuple.RemoteAddr,
        DstPort = _tuple.RemotePort,
        Seq = seq,
        Ack = (flags & TcpFlags.Ack) != 0 ? _rcvNxt : default,
        Flags = flags,
        Window = (ushort)ReceiveWindow,
        PayloadLength = (ushort)len,
    };

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    /// <summary>The one place where the state changes; every change is reported to the sink.</summary>
    private void SetState<TSink>(TcpState to, TSink sink) where TSink : ITcpSink
    {
        var from = _state;
        if (from == to) return;
        _state = to;
        if (to == TcpState.Closed)
        {
            _timer = TcpTimer.None;
            _timerAt = Never;
            _ackAt = Never;
        }
        sink.StateChanged(this, from, to);
        if (to == TcpState.Closed) sink.Notify(this, TcpEvent.Closed, 0);
    }

    private void SetIss(SeqNum iss)
    {
        _iss = iss;
        _sndUna = iss;
        _sndNxt = iss;
        _sndMax = iss;
        // Data starts after the SYN's sequence number.
        _sndEnd = iss + 1;
    }

    private void ResetConnection()
    {
        _tuple = default;
        _irs = default;
        _rcvNxt = default;
        SetIss(default);
        _rcvUnread = 0;
        _sndWnd = 0;
        _rtt.Reset(_profile);
        _rtxStamp = 0;
        _timer = TcpTimer.None;
        _timerAt = Never;
        _ackAt = Never;
        _lastOowAckAt = long.MinValue / 2;
        _flags = 0;
        _retransmits = 0;
        _probes = 0;
        _fullSegmentsUnacked = 0;
    }

    private static bool IsSynchronized(TcpState s) => s >= TcpState.SynReceived;

    private static SeqNum Max(SeqNum a, SeqNum b) => a > b ? a : b;

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_sndUna <= _sndNxt, "SND.UNA <= SND.NXT");
        Debug.Assert(_sndNxt <= _sndMax, "SND.NXT <= highest sent");
        Debug.Assert(_sndMax <= _sndEnd + 1, "nothing is sent beyond the queued data and the FIN");
        Debug.Assert((uint)_state < TcpStateNames.Count, "a valid state");
        Debug.Assert(_state != TcpState.Closed || (_timerAt == Never && _ackAt == Never), "CLOSED has no timers");
        Debug.Assert(_timer != TcpTimer.None || _timerAt == Never, "an idle timer has no deadline");
    }
}
