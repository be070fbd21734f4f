using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Model;

/// <summary>What the application on an endpoint does now.</summary>
internal enum AppAction : byte
{
    /// <summary>The scheduled close of the side that closes first (close(), or abort for the aborting fraction).</summary>
    ActiveClose = 0,
    /// <summary>The passive side closes after reading end-of-file (after <c>passive_delay</c>).</summary>
    PassiveClose = 1,
}

/// <summary>What an endpoint asks of its host, returned from each call (as quinn-proto's
/// connection returns endpoint events): the endpoint never calls into its host's tables.</summary>
[Flags]
internal enum HostEffects : byte
{
    None = 0,
    /// <summary>The endpoint entered TIME_WAIT: hold its tuple in the TIME_WAIT table (max_tw_buckets permitting; if not, answer <see cref="EndpointModel.Destroy"/>).</summary>
    TimeWait = 1,
    /// <summary>The endpoint is gone: free its handle, and its tuple unless the host already let it go.</summary>
    Gone = 2,
    /// <summary>With <see cref="Gone"/>: the tuple is still held and must be released.</summary>
    Release = 4,
}

/// <summary>What an engine gives an endpoint: the clock, the wire, and its timers.</summary>
internal interface IEndpointContext
{
    TimeSpan Now { get; }

    /// <summary>Sends a segment into the network now.</summary>
    void Transmit(in Segment segment, int couple);

    /// <summary>The endpoint's TCP timer is due at <paramref name="deadline"/> (earlier than any armed: an engine may keep a later timer and let it fire early).</summary>
    void ArmTimer(TimeSpan deadline);

    /// <summary>The application does <paramref name="action"/> after <paramref name="delay"/>.</summary>
    void Schedule(AppAction action, TimeSpan delay);
}

/// <summary>
/// One TCP endpoint with its application (DESIGN.md §1): a sans-IO <see cref="TcpEndpoint"/>, the
/// workload's client or server behaviour (connect, request/response, close on end-of-file, abort,
/// leak, idle), and everything it reports — state changes, connect outcomes, durations, reasons
/// for its couple's outcome. It exists from its open (connect, or a SYN its host admits) to its
/// end (CLOSED, TIME_WAIT refused, its host's crash). Engine-independent: it is driven through an
/// <see cref="IEndpointContext"/>, and what its host must do comes back as <see cref="HostEffects"/>.
/// </summary>
/// <remarks>
/// Application reactions to events (read, answer, close) are queued in <see cref="_pending"/> and
/// run after the endpoint call returns, never re-entrantly from inside the state machine.
/// </remarks>
internal sealed class EndpointModel
{
    [Flags]
    private enum Pending : byte
    {
        None = 0,
        Read = 1,
        SendRequest = 2,
        SendResponse = 4,
        Close = 8,
        CloseLater = 16,
        Finish = 32,
    }

    private readonly RunModel _world;
    private readonly TcpEndpoint _tcp;
    private readonly CoupleFlags _flags;
    private long _startTicks;
    private long _establishedTicks = -1;
    private int _received;
    private Pending _pending;
    private HostEffects _effects;
    private bool _appClosed;
    private bool _responded;
    private bool _released;
    private bool _pureAckSent;
    private bool _timerPending;
    /// <summary>The instant the endpoint entered its current state (for the census's pass-throughs).</summary>
    private long _stateSinceTicks;
    /// <summary>True while a SYN cookie's ACK makes this endpoint (see <see cref="AcceptCookieAck"/>).</summary>
    private bool _cookieBirth;

    /// <summary>Global couple index, or -1 for an endpoint of no couple (a SYN flood's child).</summary>
    public readonly int Couple;

    /// <summary>The handle its host maps the endpoint's tuple to.</summary>
    public readonly int Handle;

    /// <summary>Client (connect) or server (accepted).</summary>
    public readonly TraceSide Side;

    public EndpointModel(RunModel world, int couple, int handle, TraceSide side, TimeSpan now)
    {
        _world = world;
        Couple = couple;
        Handle = handle;
        Side = side;
        // The couple's decisions are a pure function of its index: the server side computes them
        // itself rather than reading what the client's side stored (it may live in another shard).
        _flags = couple >= 0 ? world.Plan.Decide(couple) : CoupleFlags.None;
        _tcp = new TcpEndpoint(world.ProfileFor(_flags)) { Faults = world.Faults };
        world.Telemetry.Enter(now, TcpState.Closed);
        _stateSinceTicks = now.Ticks;
    }

    /// <summary>The endpoint (read-only use).</summary>
    public TcpEndpoint Tcp => _tcp;

    /// <summary>True once the endpoint is gone: its engine stops driving it.</summary>
    public bool IsFinished { get; private set; }

    private bool IsTraced => _world.Ledger.IsTraced(Couple);

    // ------------------------------------------------------------------ opening

    /// <summary>connect() on a bound tuple; arms the close if this side closes first.</summary>
    public HostEffects Connect(IEndpointContext context, FourTuple tuple, SeqNum iss)
    {
        _startTicks = context.Now.Ticks;
        _tcp.Connect(context.Now, tuple, iss, new Sink(this, context));
        ScheduleActiveClose(context);
        return AfterCall(context);
    }

    /// <summary>A SYN the host admitted: SYN_RECEIVED, SYN-ACK out.</summary>
    public HostEffects AcceptSyn(IEndpointContext context, in Segment syn, SeqNum iss)
    {
        _startTicks = context.Now.Ticks;
        _tcp.AcceptSyn(context.Now, syn, iss, new Sink(this, context));
        ScheduleActiveClose(context);
        return AfterCall(context);
    }

    /// <summary>The ACK of a valid SYN cookie: a child made straight into ESTABLISHED.</summary>
    public HostEffects AcceptCookieAck(IEndpointContext context, in Segment ack, SeqNum cookie)
    {
        _startTicks = context.Now.Ticks;
        // Linux makes the child from the ACK (cookie_v4_check) in SYN_RECV and moves it on at once:
        // it never sat in the SYN queue, so it does not count as having passed through SYN_RECEIVED.
        _cookieBirth = true;
        _tcp.AcceptCookieAck(context.Now, ack, cookie, new Sink(this, context));
        _cookieBirth = false;
        ScheduleActiveClose(context);
        return AfterCall(context);
    }

    private void ScheduleActiveClose(IEndpointContext context)
    {
        if (Couple < 0) return;
        bool closes = Side == TraceSide.Client ? (_flags & CoupleFlags.ClientCloses) != 0 : (_flags & CoupleFlags.ServerCloses) != 0;
        if (!closes) return;
        TimeSpan at = _world.Plan.CloseAt(Couple);
        if (at == TimeSpan.MaxValue) return;
        context.Schedule(AppAction.ActiveClose, at > context.Now ? at - context.Now : TimeSpan.Zero);
    }

    // ------------------------------------------------------------------ inputs

    /// <summary>A segment for this endpoint's tuple (its host has already judged a handshake's final ACK).</summary>
    public HostEffects OnSegment(IEndpointContext context, in Segment segment)
    {
        if (IsFinished) return HostEffects.None;
        if ((segment.Flags & TcpFlags.Rst) != 0)
        {
            // RFC 5961 §3.2: an in-window RST that is not exact is answered with a challenge ACK
            // and changes nothing; count those for the rst-storm story.
            TcpState before = _tcp.State;
            _pureAckSent = false;
            _tcp.OnSegment(context.Now, segment, new Sink(this, context));
            if (_pureAckSent && _tcp.State == before) _world.Telemetry.Add(RunCounter.ChallengeAcks);
        }
        else
        {
            _tcp.OnSegment(context.Now, segment, new Sink(this, context));
        }
        return AfterCall(context);
    }

    /// <summary>The TCP timer is due (or an earlier armed one fired: then nothing is due yet).</summary>
    public HostEffects OnTimer(IEndpointContext context)
    {
        if (IsFinished) return HostEffects.None;
        _tcp.OnTimer(context.Now, new Sink(this, context));
        return AfterCall(context);
    }

    /// <summary>The application's scheduled close.</summary>
    public HostEffects OnApp(IEndpointContext context, AppAction action)
    {
        if (IsFinished || _appClosed) return HostEffects.None;
        CloseNow(context, active: action == AppAction.ActiveClose);
        return AfterCall(context);
    }

    private void CloseNow(IEndpointContext context, bool active)
    {
        _appClosed = true;
        if (active && _tcp.State == TcpState.SynSent) Reason(context, CoupleOutcome.Aborted);
        if (active && (_flags & CoupleFlags.Aborts) != 0) _tcp.Abort(context.Now, new Sink(this, context));
        else _tcp.Close(context.Now, new Sink(this, context));
    }

    /// <summary>Its host crashed: the endpoint vanishes without sending anything.</summary>
    public HostEffects Lose(IEndpointContext context)
    {
        if (IsFinished) return HostEffects.None;
        _released = true;
        if (Side == TraceSide.Client) Reason(context, CoupleOutcome.Crashed);
        Finish(context);
        return TakeEffects();
    }

    /// <summary>
    /// Its host let the tuple go and the endpoint must vanish: tw_reuse gave a TIME_WAIT tuple to
    /// a new connection, max_tw_buckets refused the TIME_WAIT (<paramref name="overflow"/>), or
    /// abort_on_overflow answered the final ACK with RST.
    /// </summary>
    public HostEffects Destroy(IEndpointContext context, bool overflow = false)
    {
        if (IsFinished) return HostEffects.None;
        _released = true;
        if (overflow)
        {
            // Over max_tw_buckets the kernel destroys the socket at once (tcp_time_wait() finds no
            // bucket): it never holds TIME_WAIT, so it does not count as passing through it.
            _world.Telemetry.Add(RunCounter.TimeWaitOverflow);
            _stateSinceTicks = long.MinValue;
        }
        Finish(context);
        return TakeEffects();
    }

    /// <summary>
    /// Supervision stopped the endpoint's actor after an exception (DESIGN.md §3): it is counted
    /// in the report's supervision failures; here the endpoint is settled so the counts stay exact.
    /// </summary>
    public HostEffects Fail(IEndpointContext context)
    {
        if (IsFinished) return HostEffects.None;
        if (Side == TraceSide.Client) Reason(context, CoupleOutcome.Aborted);
        Finish(context);
        return TakeEffects();
    }

    // ------------------------------------------------------------------ after every endpoint call

    private HostEffects AfterCall(IEndpointContext context)
    {
        while (_pending != Pending.None && !IsFinished)
        {
            Pending pending = _pending;
            _pending = Pending.None;
            var sink = new Sink(this, context);
            if ((pending & Pending.Read) != 0) ReadAll(context, sink);
            if ((pending & Pending.SendRequest) != 0) _tcp.Send(context.Now, _world.Plan.RequestBytes, sink);
            if ((pending & Pending.SendResponse) != 0) Respond(context, sink);
            if ((pending & Pending.Close) != 0 && !_appClosed) CloseNow(context, active: false);
            if ((pending & Pending.CloseLater) != 0 && !_appClosed) context.Schedule(AppAction.PassiveClose, _world.Plan.PassiveDelay);
            if ((pending & Pending.Finish) != 0)
            {
                Finish(context);
                return TakeEffects();
            }
        }
        if (IsFinished) return TakeEffects();
        if (_tcp.State is not TcpState.Closed and not TcpState.Listen && _tcp.SndUna > _tcp.SndNxt) SequenceViolation(context);

        TimeSpan deadline = _tcp.NextDeadline;
        // The run has drained when nothing is in flight and no endpoint waits on a timer other
        // than keepalive (an idle couple's keepalive would keep a run alive for ever).
        SetTimerPending(deadline != TimeSpan.MaxValue && _tcp.Timer != TcpTimer.Keepalive);
        if (deadline != TimeSpan.MaxValue) context.ArmTimer(deadline);
        return TakeEffects();
    }

    private HostEffects TakeEffects()
    {
        HostEffects effects = _effects;
        _effects = HostEffects.None;
        return effects;
    }

    private void SetTimerPending(bool pending)
    {
        if (pending == _timerPending) return;
        _timerPending = pending;
        _world.Telemetry.Add(RunCounter.PendingTimers, pending ? 1 : -1);
    }

    private void ReadAll(IEndpointContext context, Sink sink)
    {
        int n = _tcp.Read(context.Now, int.MaxValue, sink);
        _received += n;
        if (Side == TraceSide.Server && _received >= _world.Plan.RequestBytes) Respond(context, sink);
    }

    private void Respond(IEndpointContext context, Sink sink)
    {
        if (_responded || _appClosed || _world.Plan.ResponseBytes <= 0 || (_flags & CoupleFlags.Idle) != 0) return;
        _responded = true;
        _tcp.Send(context.Now, _world.Plan.ResponseBytes, sink);
    }

    private void Reason(IEndpointContext context, CoupleOutcome outcome) => _world.Ledger.Reason(Couple, outcome, context.Now, Side);

    private void SequenceViolation(IEndpointContext context)
    {
        TimeSpan now = context.Now;
        _world.Telemetry.SequenceViolation(() =>
            $"SND.UNA {_tcp.SndUna} > SND.NXT {_tcp.SndNxt} on {_tcp.Tuple} at {now.TotalSeconds:0.######}s");
    }

    // ------------------------------------------------------------------ the end

    /// <summary>The endpoint is gone: its host frees the tuple and handle, the couple is settled.</summary>
    private void Finish(IEndpointContext context)
    {
        if (IsFinished) return;
        IsFinished = true;
        _effects |= HostEffects.Gone | (_released ? HostEffects.None : HostEffects.Release);
        _effects &= ~HostEffects.TimeWait;
        _released = true;
        SetTimerPending(false);
        TimeSpan now = context.Now;
        _world.Telemetry.Leave(now, _tcp.State, PassedThrough(now, _tcp.State));
        if (Couple < 0) return;
        if (Side == TraceSide.Client)
        {
            if (_establishedTicks >= 0) _world.Telemetry.Connection(TimeSpan.FromTicks(now.Ticks - _establishedTicks));
            _world.Ledger.End(Couple, now);
        }
        else if (IsTraced)
        {
            _world.Ledger.Trace!.Outcome(now, Couple, TraceSide.Server, _world.Ledger.ReasonOf(Couple) ?? CoupleOutcome.Completed);
        }
    }

    /// <summary>Whether the endpoint leaves <paramref name="state"/> in the instant it entered it
    /// (CLOSED excepted: no connection rests there, RFC 9293 §3.3.2 calls it fictional).</summary>
    private bool PassedThrough(TimeSpan now, TcpState state) => state != TcpState.Closed && _stateSinceTicks == now.Ticks;

    // ------------------------------------------------------------------ sink callbacks

    private void OnTransmit(IEndpointContext context, in Segment segment)
    {
        if (segment.Flags == TcpFlags.Ack && segment.PayloadLength == 0) _pureAckSent = true;
        context.Transmit(segment, Couple);
    }

    private void OnStateChanged(IEndpointContext context, TcpState from, TcpState to)
    {
        TimeSpan now = context.Now;
        _world.Telemetry.Move(now, from, to, PassedThrough(now, from));
        _stateSinceTicks = _cookieBirth && to == TcpState.SynReceived ? long.MinValue : now.Ticks;
        if (to != TcpState.Closed && _tcp.SndUna > _tcp.SndNxt) SequenceViolation(context);
        if (IsTraced)
        {
            // A host child is born in the listener's name: the story reads LISTEN → SYN_RECEIVED.
            TcpState shown = from == TcpState.Closed && to == TcpState.SynReceived && Side == TraceSide.Server ? TcpState.Listen : from;
            _world.Ledger.Trace!.State(now, Couple, Side, shown, to);
        }
        if (to == TcpState.TimeWait) _effects |= HostEffects.TimeWait;
    }

    private void OnNotify(IEndpointContext context, TcpEvent what)
    {
        ITelemetrySink telemetry = _world.Telemetry;
        long now = context.Now.Ticks;
        switch (what)
        {
            case TcpEvent.Established:
                _establishedTicks = now;
                if (Side == TraceSide.Client)
                {
                    telemetry.Add(RunCounter.ConnectEstablished);
                    telemetry.Handshake(TimeSpan.FromTicks(now - _startTicks));
                    if (_world.Plan.RequestBytes > 0 && (_flags & CoupleFlags.Idle) == 0) _pending |= Pending.SendRequest;
                }
                else if (_world.Plan.RequestBytes == 0)
                {
                    _pending |= Pending.SendResponse;
                }
                break;
            case TcpEvent.DataReceived:
                _pending |= Pending.Read;
                break;
            case TcpEvent.PeerClosed:
                if (!_appClosed && (_flags & (CoupleFlags.Leaks | CoupleFlags.Idle)) == 0 && Couple >= 0)
                    _pending |= _world.Plan.PassiveDelay > TimeSpan.Zero ? Pending.CloseLater : Pending.Close;
                break;
            case TcpEvent.Refused:
                Reason(context, CoupleOutcome.Refused);
                if (Side == TraceSide.Client) telemetry.Add(RunCounter.ConnectRefused);
                break;
            case TcpEvent.Reset:
                // A RST that ends TIME_WAIT (RFC 1337's assassination, e.g. a duplicated last ACK
                // answered by a server that has already closed) comes after the couple completed.
                if (_tcp.State != TcpState.TimeWait) Reason(context, CoupleOutcome.Reset);
                if (Side == TraceSide.Client && _establishedTicks < 0) telemetry.Add(RunCounter.ConnectReset);
                break;
            case TcpEvent.TimedOut:
                Reason(context, CoupleOutcome.TimedOut);
                if (Side == TraceSide.Client && _tcp.State == TcpState.SynSent) telemetry.Add(RunCounter.ConnectTimedOut);
                break;
            case TcpEvent.Aborted:
                Reason(context, CoupleOutcome.Aborted);
                break;
            case TcpEvent.Closed:
                _pending |= Pending.Finish;
                break;
            case TcpEvent.Retransmission:
                telemetry.Add(RunCounter.Retransmitted);
                break;
        }
    }

    /// <summary>The endpoint's outputs, as a struct so that the generic endpoint calls never box.</summary>
    private readonly struct Sink(EndpointModel model, IEndpointContext context) : ITcpSink
    {
        public void Transmit(in Segment segment) => model.OnTransmit(context, segment);

        public void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to) => model.OnStateChanged(context, from, to);

        public void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes) => model.OnNotify(context, what);
    }
}
