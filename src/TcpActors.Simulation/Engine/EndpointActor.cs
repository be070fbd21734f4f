using TcpActors.Runtime;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One TCP endpoint as an actor: it hosts a sans-IO <see cref="TcpEndpoint"/>, drives its timer
/// with the runtime's timers, plays the application (connect, request/response, close on
/// end-of-file) and reports every state change to the shard's counters. It exists from its
/// open (connect, or a SYN its host admits) to its end (CLOSED, TIME_WAIT overflow, a crash),
/// then its handle and memory are released.
/// </summary>
/// <remarks>
/// The endpoint reports through a struct sink (no boxing). Application reactions to events
/// (read, answer, close) are queued in <see cref="_pending"/> and run after the endpoint call
/// returns, never re-entrantly from inside the state machine. The actor is a child of its host
/// actor and calls the host's table directly (as a socket calls into its kernel's hash tables):
/// both live on the same shard thread.
/// </remarks>
internal sealed class EndpointActor : Actor, IReceive<Arrival>, IReceive<EndpointTick>, IReceive<AppCommand>
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

    private readonly Shard _shard;
    private readonly HostActor _host;
    private readonly TcpEndpoint _tcp;
    private TimerId _tcpTimer;
    private long _armedTicks = long.MaxValue;
    private long _startTicks;
    private long _establishedTicks = -1;
    private int _received;
    private Pending _pending;
    private bool _appClosed;
    private bool _responded;
    private bool _released;
    private bool _finished;
    private bool _pureAckSent;

    /// <summary>Shard-local couple index, or -1 for a SYN-flood child.</summary>
    public readonly int Couple;

    /// <summary>The handle the host maps this endpoint's tuple to.</summary>
    public readonly int Handle;

    /// <summary>Client (connect) or server (accepted).</summary>
    public readonly TraceSide Side;

    public EndpointActor(Shard shard, HostActor host, TcpProfile profile, int couple, int handle, TraceSide side)
    {
        _shard = shard;
        _host = host;
        _tcp = new TcpEndpoint(profile, shard.EndpointFaults);
        Couple = couple;
        Handle = handle;
        Side = side;
        shard.Telemetry.Enter(TcpState.Closed);
        shard.Telemetry.Live++;
    }

    /// <summary>The endpoint (read-only use: chaos, end-of-run checks).</summary>
    public TcpEndpoint Tcp => _tcp;

    private CoupleFlags Flags => Couple >= 0 ? _shard.CoupleFlagsOf(Couple) : CoupleFlags.None;

    // ------------------------------------------------------------------ opening

    /// <summary>connect() on a bound tuple; arms the close if this side closes first.</summary>
    public void Connect(FourTuple tuple, SeqNum iss)
    {
        _startTicks = Now.Ticks;
        _tcp.Connect(Now, tuple, iss, new Sink(this));
        ScheduleActiveClose();
        AfterCall();
    }

    /// <summary>A SYN the host admitted: SYN_RECEIVED, SYN-ACK out.</summary>
    public void AcceptSyn(in Segment syn, SeqNum iss)
    {
        _startTicks = Now.Ticks;
        _tcp.AcceptSyn(Now, syn, iss, new Sink(this));
        ScheduleActiveClose();
        AfterCall();
    }

    /// <summary>The ACK of a valid SYN cookie: a child made straight into ESTABLISHED.</summary>
    public void AcceptCookieAck(in Segment ack, SeqNum cookie)
    {
        _startTicks = Now.Ticks;
        _tcp.AcceptCookieAck(Now, ack, cookie, new Sink(this));
        ScheduleActiveClose();
        AfterCall();
    }

    private void ScheduleActiveClose()
    {
        if (Couple < 0) return;
        CoupleFlags flags = Flags;
        bool closes = Side == TraceSide.Client ? (flags & CoupleFlags.ClientCloses) != 0 : (flags & CoupleFlags.ServerCloses) != 0;
        if (!closes) return;
        TimeSpan at = _shard.Plan.CloseAt(_shard.GlobalIndex(Couple));
        if (at == TimeSpan.MaxValue) return;
        TimeSpan delay = at > Now ? at - Now : TimeSpan.Zero;
        // A plain delayed message, not a timer: it is never re-armed or cancelled, so it needs no
        // timer slot (one fewer per endpoint); after the endpoint is gone it is a dead letter.
        Self.Tell(new AppCommand(AppAction.ActiveClose), delay);
    }

    // ------------------------------------------------------------------ inputs

    public void Receive(Arrival message)
    {
        if (_finished) return;
        Segment seg = message.Segment;
        if (_tcp.IsPassiveChild && _tcp.State == TcpState.SynReceived
            && (seg.Flags & (TcpFlags.Ack | TcpFlags.Syn | TcpFlags.Rst)) == TcpFlags.Ack && seg.Ack == _tcp.SndNxt
            && _tcp.IsAcceptableSequence(seg))
        {
            // The final ACK of the handshake: the listener decides first (docs/tcp-host.md) —
            // a full accept queue drops it (the server keeps retransmitting its SYN-ACK) or, with
            // abort_on_overflow, answers RST.
            switch (_host.Tcp.CompleteHandshake(_tcp.Tuple))
            {
                case AckDecision.Drop:
                    return;
                case AckDecision.Reset:
                    _released = true;
                    if (Segment.TryResetFor(seg, out Segment rst)) _host.Send(rst, Couple);
                    Finish();
                    return;
                default:
                    _host.Accept();
                    break;
            }
        }
        if ((seg.Flags & TcpFlags.Rst) != 0)
        {
            // RFC 5961 §3.2: an in-window RST that is not exact is answered with a challenge ACK
            // and changes nothing; count those for the rst-storm story.
            TcpState before = _tcp.State;
            _pureAckSent = false;
            _tcp.OnSegment(Now, seg, new Sink(this));
            if (_pureAckSent && _tcp.State == before) _shard.Telemetry.ChallengeAcks++;
        }
        else
        {
            _tcp.OnSegment(Now, seg, new Sink(this));
        }
        AfterCall();
    }

    public void Receive(EndpointTick message)
    {
        if (_finished) return;
        _armedTicks = long.MaxValue;
        _tcp.OnTimer(Now, new Sink(this));
        AfterCall();
    }

    public void Receive(AppCommand message)
    {
        if (_finished || _appClosed) return;
        CloseNow(active: message.Action == AppAction.ActiveClose);
        AfterCall();
    }

    private void CloseNow(bool active)
    {
        _appClosed = true;
        if (active && _tcp.State == TcpState.SynSent) _shard.RecordReason(Couple, CoupleOutcome.Aborted);
        if (active && (Flags & CoupleFlags.Aborts) != 0) _tcp.Abort(Now, new Sink(this));
        else _tcp.Close(Now, new Sink(this));
    }

    // ------------------------------------------------------------------ after every endpoint call

    private void AfterCall()
    {
        while (_pending != Pending.None && !_finished)
        {
            Pending pending = _pending;
            _pending = Pending.None;
            var sink = new Sink(this);
            if ((pending & Pending.Read) != 0) ReadAll(sink);
            if ((pending & Pending.SendRequest) != 0) _tcp.Send(Now, _shard.Plan.RequestBytes, sink);
            if ((pending & Pending.SendResponse) != 0) Respond(sink);
            if ((pending & Pending.Close) != 0 && !_appClosed) CloseNow(active: false);
            if ((pending & Pending.CloseLater) != 0 && !_appClosed)
                Self.Tell(new AppCommand(AppAction.PassiveClose), _shard.Plan.PassiveDelay);
            if ((pending & Pending.Finish) != 0)
            {
                Finish();
                return;
            }
        }
        if (_finished) return;

        // Lazy re-arming: the runtime timer only ever moves earlier. A deadline pushed later (the
        // RTO restarted by every ACK, keepalive by every segment) leaves the armed timer alone; if
        // it fires early, OnTimer does nothing and the timer is armed again for the real deadline.
        // This saves most queue operations, since deadlines move later far more often than earlier.
        TimeSpan deadline = _tcp.NextDeadline;
        if (deadline == TimeSpan.MaxValue) return;
        long ticks = deadline.Ticks;
        if (ticks >= _armedTicks) return;
        _armedTicks = ticks;
        long delay = ticks - Now.Ticks;
        Timers.StartSingleTimer(ref _tcpTimer, default(EndpointTick), TimeSpan.FromTicks(delay > 0 ? delay : 0));
    }

    private void ReadAll(Sink sink)
    {
        int n = _tcp.Read(Now, int.MaxValue, sink);
        _received += n;
        if (Side == TraceSide.Server && _received >= _shard.Plan.RequestBytes) Respond(sink);
    }

    private void Respond(Sink sink)
    {
        if (_responded || _appClosed || _shard.Plan.ResponseBytes <= 0 || (Flags & CoupleFlags.Idle) != 0) return;
        _responded = true;
        _tcp.Send(Now, _shard.Plan.ResponseBytes, sink);
    }

    // ------------------------------------------------------------------ the end

    /// <summary>The endpoint is gone: free its tuple and handle, settle the couple, stop the actor.</summary>
    private void Finish(bool stop = true)
    {
        if (_finished) return;
        _finished = true;
        if (!_released) _host.Tcp.Release(_tcp.Tuple, Handle);
        _released = true;
        ShardTelemetry telemetry = _shard.Telemetry;
        telemetry.Leave(_tcp.State);
        telemetry.Live--;
        _shard.Slots.Free(Handle);
        if (Couple >= 0)
        {
            if (Side == TraceSide.Client)
            {
                if (_establishedTicks >= 0) telemetry.Connection.Record(TimeSpan.FromTicks(Now.Ticks - _establishedTicks));
                _shard.EndCouple(Couple, Now);
            }
            else if (_shard.IsTraced(Couple))
            {
                _shard.Trace!.Outcome(Now, _shard.GlobalIndex(Couple), TraceSide.Server, _shard.ReasonOf(Couple) ?? CoupleOutcome.Completed);
            }
        }
        if (stop) Stop();
    }

    /// <summary>
    /// Supervision stopped this actor after an exception (DESIGN.md §3): it is counted in the
    /// report's supervision failures; here the endpoint is settled so the counts stay exact.
    /// </summary>
    protected override void PostStop()
    {
        if (_finished) return;
        if (Side == TraceSide.Client) _shard.RecordReason(Couple, CoupleOutcome.Aborted);
        Finish(stop: false);
    }

    /// <summary>The host crashed: the endpoint vanishes without sending anything.</summary>
    public void Lose()
    {
        if (_finished) return;
        _released = true;
        if (Side == TraceSide.Client) _shard.RecordReason(Couple, CoupleOutcome.Crashed);
        Finish();
    }

    /// <summary>tw_reuse gave this TIME_WAIT endpoint's tuple to a new connection.</summary>
    public void Evict()
    {
        if (_finished) return;
        _released = true;
        Finish();
    }

    // ------------------------------------------------------------------ sink callbacks

    private void OnTransmit(in Segment segment)
    {
        if (segment.Flags == TcpFlags.Ack && segment.PayloadLength == 0) _pureAckSent = true;
        _shard.NetworkRef.Tell(new Transmission(segment, Couple, false));
    }

    private void OnStateChanged(TcpState from, TcpState to)
    {
        _shard.Telemetry.Move(from, to);
        if (to != TcpState.Closed && _tcp.SndUna > _tcp.SndNxt) _shard.SequenceViolation(this);
        if (Couple >= 0 && _shard.IsTraced(Couple))
        {
            // A host child is born in the listener's name: the story reads LISTEN → SYN_RECEIVED.
            TcpState shown = from == TcpState.Closed && to == TcpState.SynReceived && Side == TraceSide.Server ? TcpState.Listen : from;
            _shard.Trace!.State(Now, _shard.GlobalIndex(Couple), Side, shown, to);
        }
        if (to == TcpState.TimeWait)
        {
            bool held = _host.Tcp.TryGetConnection(_tcp.Tuple, out int owner) && owner == Handle;
            if (!held || !_host.Tcp.EnterTimeWait(_tcp.Tuple, Handle, Now))
            {
                // Over max_tw_buckets the kernel destroys the socket at once (tcp_time_wait()).
                if (held) _shard.Telemetry.TimeWaitOverflow++;
                _released = true;
                _pending |= Pending.Finish;
            }
        }
    }

    private void OnNotify(TcpEvent what, int bytes)
    {
        ShardTelemetry telemetry = _shard.Telemetry;
        switch (what)
        {
            case TcpEvent.Established:
                _establishedTicks = Now.Ticks;
                if (Side == TraceSide.Client)
                {
                    telemetry.ConnectEstablished++;
                    telemetry.Handshake.Record(TimeSpan.FromTicks(Now.Ticks - _startTicks));
                    if (_shard.Plan.RequestBytes > 0 && (Flags & CoupleFlags.Idle) == 0) _pending |= Pending.SendRequest;
                }
                else if (_shard.Plan.RequestBytes == 0)
                {
                    _pending |= Pending.SendResponse;
                }
                break;
            case TcpEvent.DataReceived:
                _pending |= Pending.Read;
                break;
            case TcpEvent.PeerClosed:
                if (!_appClosed && (Flags & (CoupleFlags.Leaks | CoupleFlags.Idle)) == 0 && Couple >= 0)
                    _pending |= _shard.Plan.PassiveDelay > TimeSpan.Zero ? Pending.CloseLater : Pending.Close;
                break;
            case TcpEvent.Refused:
                _shard.RecordReason(Couple, CoupleOutcome.Refused);
                if (Side == TraceSide.Client) telemetry.ConnectRefused++;
                break;
            case TcpEvent.Reset:
                // A RST that ends TIME_WAIT (RFC 1337's assassination, e.g. a duplicated last ACK
                // answered by a server that has already closed) comes after the couple completed.
                if (_tcp.State != TcpState.TimeWait) _shard.RecordReason(Couple, CoupleOutcome.Reset);
                if (Side == TraceSide.Client && _establishedTicks < 0) telemetry.ConnectReset++;
                break;
            case TcpEvent.TimedOut:
                _shard.RecordReason(Couple, CoupleOutcome.TimedOut);
                if (Side == TraceSide.Client && _tcp.State == TcpState.SynSent) telemetry.ConnectTimedOut++;
                break;
            case TcpEvent.Aborted:
                _shard.RecordReason(Couple, CoupleOutcome.Aborted);
                break;
            case TcpEvent.Closed:
                _pending |= Pending.Finish;
                break;
            case TcpEvent.Retransmission:
                telemetry.Retransmitted++;
                break;
        }
    }

    /// <summary>The endpoint's outputs, as a struct so that the generic endpoint calls never box.</summary>
    private readonly struct Sink(EndpointActor actor) : ITcpSink
    {
        public void Transmit(in Segment segment) => actor.OnTransmit(segment);

        public void StateChanged(TcpEndpoint endpoint, TcpState from, TcpState to) => actor.OnStateChanged(from, to);

        public void Notify(TcpEndpoint endpoint, TcpEvent what, int bytes) => actor.OnNotify(what, bytes);
    }
}
