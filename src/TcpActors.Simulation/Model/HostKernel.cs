using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Model;

/// <summary>What a host does with a segment that reached it.</summary>
internal enum ArrivalAction : byte
{
    /// <summary>Nothing more (dropped, ignored, or only answered with <see cref="HostArrival.Reply"/>).</summary>
    None,
    /// <summary>Hand it to the endpoint holding <see cref="HostArrival.Handle"/>.</summary>
    ToEndpoint,
    /// <summary>A SYN admitted: a new server endpoint under <see cref="HostArrival.Handle"/> takes it with ISS <see cref="HostArrival.Iss"/>.</summary>
    NewChild,
    /// <summary>The ACK of a valid SYN cookie: a new server endpoint, straight into ESTABLISHED, with ISS <see cref="HostArrival.Iss"/> (the cookie).</summary>
    CookieChild,
    /// <summary>The endpoint under <see cref="HostArrival.Handle"/> vanishes, its tuple already released: abort_on_overflow answered the final ACK with RST, or a SYN ended its TIME_WAIT and the listener did not admit it.</summary>
    DestroyEndpoint,
    /// <summary>A SYN ended the TIME_WAIT of the endpoint under <see cref="HostArrival.OldHandle"/> (which vanishes) and was admitted: a new server endpoint under <see cref="HostArrival.Handle"/>, ISS <see cref="HostArrival.Iss"/>.</summary>
    ReopenChild,
}

/// <summary>The host's verdict on one arrival, as a plain value its engine carries out.</summary>
internal readonly struct HostArrival
{
    public ArrivalAction Action { get; init; }
    public int Handle { get; init; }
    /// <summary>With <see cref="ArrivalAction.ReopenChild"/>: the TIME_WAIT endpoint the new connection replaces.</summary>
    public int OldHandle { get; init; }
    public SeqNum Iss { get; init; }
    /// <summary>A segment the host sends itself (RST, SYN-ACK with a cookie), when <see cref="HasReply"/>.</summary>
    public Segment Reply { get; init; }
    public bool HasReply { get; init; }
}

/// <summary>
/// One simulated machine's kernel (DESIGN.md §4.3), engine-independent: its <see cref="TcpHost"/>
/// (ports, listener queues, the 4-tuple table with TIME_WAIT), the handles of its endpoints, and
/// the decisions a kernel takes on a segment before any socket sees it — demultiplexing, the SYN
/// queue and SYN cookies, the handshake's final ACK (<c>tcp_check_req()</c>, kept with the SYN
/// queue entry), RST for strays (RFC 9293 §3.10.7.1) — and on crash and restart.
/// </summary>
internal sealed class HostKernel
{
    private readonly RunModel _world;
    private readonly Listener? _listener;
    private readonly ulong _cookieSecret;
    private readonly ulong _isnSecret;
    private int[] _freeHandles = new int[16];
    private int _freeCount;
    private int _nextHandle;

    public HostKernel(RunModel world, HostRole role, int index, TcpHost tcp, TimeSpan now)
    {
        _world = world;
        Role = role;
        Index = index;
        Tcp = tcp;
        _cookieSecret = RandomStreams.CookieSecret(world.Scenario.Seed, index);
        _isnSecret = RandomStreams.IsnSecret(world.Scenario.Seed);
        if (role == HostRole.Server)
        {
            ServerHosts servers = world.Scenario.Hosts.Servers;
            _listener = tcp.Listen(servers.Port, servers.Backlog ?? world.Profile.AcceptBacklog);
            // A listening socket is an endpoint in LISTEN for the per-state counts, as ss shows it.
            world.Telemetry.Enter(now, TcpState.Listen);
        }
    }

    public HostRole Role { get; }

    public int Index { get; }

    /// <summary>The host's TCP tables.</summary>
    public TcpHost Tcp { get; }

    /// <summary>Handles in use or not yet reused: the size a table of endpoints by handle needs.</summary>
    public int HandleExtent => _nextHandle;

    // ------------------------------------------------------------------ arrivals

    /// <summary>A segment reached the host at <paramref name="now"/>: who takes it.</summary>
    public HostArrival Arrive(in Segment segment, int couple, TimeSpan now)
    {
        ITelemetrySink telemetry = _world.Telemetry;
        telemetry.Add(RunCounter.InFlight, -1);
        telemetry.Add(RunCounter.Delivered);
        if ((segment.Flags & TcpFlags.Rst) != 0) telemetry.Add(RunCounter.ResetsReceived);

        Demultiplexed found = Tcp.Demux(segment);
        switch (found.Outcome)
        {
            case DemuxOutcome.Connection:
                if (found.HalfOpen) return AtRequest(segment, found.Handle);
                if (found.TimeWait && Tcp.TryReopenTimeWait(segment, out int old)) return Reopen(segment, couple, old, Isn(segment.ReceiverTuple, now));
                return new HostArrival { Action = ArrivalAction.ToEndpoint, Handle = found.Handle };
            case DemuxOutcome.Listener:
                return AtListener(segment, couple, now);
            case DemuxOutcome.NoConnection:
                // RFC 9293 §3.10.7.1: a segment for no connection gets RST (never a RST for a RST).
                return ResetFor(segment);
            default:
                return default;
        }
    }

    /// <summary>A segment for a half-open connection: the final ACK meets the listener first (docs/tcp-host.md).</summary>
    private HostArrival AtRequest(in Segment segment, int handle)
    {
        switch (Tcp.CheckRequest(segment, _world.Profile.ReceiveWindow))
        {
            case AckDecision.Drop:
                // A full accept queue drops it; the server keeps retransmitting its SYN-ACK.
                return default;
            case AckDecision.Reset:
                // abort_on_overflow: RST, and the connection is gone (its tuple already released).
                HostArrival reset = ResetFor(segment);
                return reset with { Action = ArrivalAction.DestroyEndpoint, Handle = handle };
            case AckDecision.Accept:
                // The application accepts every completed connection at once.
                _listener?.TryAccept(out _);
                break;
        }
        return new HostArrival { Action = ArrivalAction.ToEndpoint, Handle = handle };
    }

    /// <summary>A SYN ended a TIME_WAIT (Linux TCP_TW_SYN): the old endpoint goes, the listener takes the SYN.</summary>
    private HostArrival Reopen(in Segment syn, int couple, int oldHandle, SeqNum iss)
    {
        HostArrival offered = OfferSyn(syn, iss);
        return offered.Action == ArrivalAction.NewChild
            ? offered with { Action = ArrivalAction.ReopenChild, OldHandle = oldHandle }
            : offered with { Action = ArrivalAction.DestroyEndpoint, Handle = oldHandle };
    }

    private HostArrival OfferSyn(in Segment syn, SeqNum iss)
    {
        FourTuple tuple = syn.ReceiverTuple;
        int handle = ReserveHandle();
        switch (Tcp.OfferSyn(tuple, handle, iss, syn.Seq))
        {
            case SynDecision.Admit:
                return new HostArrival { Action = ArrivalAction.NewChild, Handle = handle, Iss = iss };
            case SynDecision.SynCookie:
                FreeHandle(handle);
                return new HostArrival { Reply = TcpEndpoint.SynAckFor(syn, new SeqNum(Cookie(tuple)), _world.Profile), HasReply = true };
            default:
                FreeHandle(handle);
                return default;
        }
    }

    private HostArrival AtListener(in Segment segment, int couple, TimeSpan now)
    {
        FourTuple tuple = segment.ReceiverTuple;
        TcpFlags flags = segment.Flags;
        if (flags == TcpFlags.Syn) return OfferSyn(segment, Isn(tuple, now));
        if ((flags & (TcpFlags.Rst | TcpFlags.Syn)) != 0)
        {
            // RST to a listener is ignored; a SYN with other bits is not a connection request.
            return default;
        }
        if ((flags & TcpFlags.Ack) != 0 && _world.Profile.Syncookies && segment.Ack.Value - 1 == Cookie(tuple))
        {
            int handle = ReserveHandle();
            switch (Tcp.CompleteCookieHandshake(tuple, handle))
            {
                case AckDecision.Accept:
                    _listener?.TryAccept(out _);
                    return new HostArrival { Action = ArrivalAction.CookieChild, Handle = handle, Iss = new SeqNum(Cookie(tuple)) };
                case AckDecision.Reset:
                    FreeHandle(handle);
                    return ResetFor(segment);
                default:
                    FreeHandle(handle);
                    return default;
            }
        }
        // RFC 9293 §3.10.7.2: in LISTEN, any acknowledgment is bad and gets <SEQ=SEG.ACK><CTL=RST>.
        return ResetFor(segment);
    }

    private static HostArrival ResetFor(in Segment segment) =>
        Segment.TryResetFor(segment, out Segment reset) ? new HostArrival { Reply = reset, HasReply = true } : default;

    /// <summary>The ISS of a connection on <paramref name="tuple"/> opened now (RFC 6528).</summary>
    public SeqNum Isn(in FourTuple tuple, TimeSpan now) => InitialSequenceNumbers.Of(_isnSecret, tuple, now);

    /// <summary>A deterministic SYN cookie for the tuple (Linux uses a keyed SipHash; any keyed hash will do here).</summary>
    private uint Cookie(in FourTuple tuple)
    {
        ulong x = _cookieSecret ^ ((ulong)tuple.RemoteAddr << 16 | tuple.RemotePort) * 0xD1B54A32D192ED03UL;
        x = (x ^ (x >> 29)) * 0xBF58476D1CE4E5B9UL;
        return (uint)(x ^ (x >> 32));
    }

    // ------------------------------------------------------------------ connect

    /// <summary>connect() for <paramref name="couple"/>: a port and a handle, or why not (the couple then ends at once).</summary>
    public ConnectResult Connect(int couple, TimeSpan now, out int handle)
    {
        handle = ReserveHandle();
        uint server = AddressPlan.Server(_world.Plan.ServerHostOf(couple));
        ConnectResult bound = Tcp.Connect(server, _world.Scenario.Hosts.Servers.Port, handle, now);
        if (bound.IsBound) return bound;
        FreeHandle(handle);
        handle = -1;
        if (bound.Outcome == ConnectOutcome.PortExhausted)
        {
            // EADDRNOTAVAIL: connect() fails at once and nothing is sent (docs/tcp-host.md).
            _world.Telemetry.Add(RunCounter.ConnectPortExhausted);
            _world.Ledger.Reason(couple, Telemetry.CoupleOutcome.PortExhausted, now, Tracing.TraceSide.Client);
        }
        else
        {
            _world.Ledger.Reason(couple, Telemetry.CoupleOutcome.Crashed, now, Tracing.TraceSide.Client);
        }
        _world.Ledger.End(couple, now);
        return bound;
    }

    // ------------------------------------------------------------------ what endpoints ask

    /// <summary>
    /// The endpoint under <paramref name="handle"/> entered TIME_WAIT: hold its tuple there, with
    /// its RCV.NXT (as Linux's timewait sock, to judge a new SYN). False
    /// when it must vanish now — max_tw_buckets is reached (<paramref name="overflow"/>; the
    /// kernel then destroys the socket at once, tcp_time_wait()) or its tuple is no longer its own.
    /// </summary>
    public bool EnterTimeWait(in FourTuple tuple, int handle, TimeSpan now, SeqNum rcvNxt, out bool overflow)
    {
        overflow = false;
        if (!Tcp.TryGetConnection(tuple, out int owner) || owner != handle) return false;
        if (Tcp.EnterTimeWait(tuple, handle, now, rcvNxt)) return true;
        overflow = true;
        return false;
    }

    /// <summary>The endpoint under <paramref name="handle"/> is gone; <paramref name="release"/>: its tuple is still held.</summary>
    public void Gone(in FourTuple tuple, int handle, bool release)
    {
        if (release) Tcp.Release(tuple, handle);
        FreeHandle(handle);
    }

    // ------------------------------------------------------------------ crash and restart

    /// <summary>The host crashes: every endpoint's handle is returned, to be lost without a word.</summary>
    public int[] Crash(TimeSpan now)
    {
        if (!Tcp.IsUp) return [];
        int[] lost = Tcp.Crash();
        if (_listener is not null) _world.Telemetry.Leave(now, TcpState.Listen);
        return lost;
    }

    /// <summary>The host comes back up with its listener and empty tables.</summary>
    public void Restart(TimeSpan now)
    {
        if (Tcp.IsUp) return;
        Tcp.Restart();
        if (_listener is not null) _world.Telemetry.Enter(now, TcpState.Listen);
    }

    // ------------------------------------------------------------------ handles

    private int ReserveHandle() => _freeCount > 0 ? _freeHandles[--_freeCount] : _nextHandle++;

    private void FreeHandle(int handle)
    {
        if (_freeCount == _freeHandles.Length) Array.Resize(ref _freeHandles, _freeHandles.Length * 2);
        _freeHandles[_freeCount++] = handle;
    }
}
