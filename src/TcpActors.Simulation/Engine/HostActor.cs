using TcpActors.Runtime;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One simulated machine (DESIGN.md §4.3) as an actor: it owns a <see cref="TcpHost"/> (ports,
/// listener queues, the 4-tuple table with TIME_WAIT), receives every segment the network
/// delivers to its address, hands it to the endpoint actor that holds the tuple, admits SYNs into
/// new server endpoints, answers strays with RST, and crashes and restarts on command.
/// </summary>
internal sealed class HostActor : Actor, IReceive<Arrival>, IReceive<HostCommand>
{
    private readonly Shard _shard;
    private readonly Listener? _listener;
    private readonly ulong _cookieSecret;

    public HostActor(Shard shard, HostRole role, int index, TcpHost tcp)
    {
        _shard = shard;
        Role = role;
        Index = index;
        Tcp = tcp;
        _cookieSecret = shard.Scenario.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)index;
        if (role == HostRole.Server)
        {
            ServerHosts servers = shard.Scenario.Hosts.Servers;
            _listener = tcp.Listen(servers.Port, servers.Backlog ?? shard.Scenario.Tcp.AcceptBacklog);
            // A listening socket is an endpoint in LISTEN for the per-state counts, as ss shows it.
            shard.Telemetry.Enter(TcpState.Listen);
            shard.Telemetry.Live++;
        }
    }

    public HostRole Role { get; }

    public int Index { get; }

    /// <summary>The host's TCP tables (used by its endpoint actors, on the same thread).</summary>
    public TcpHost Tcp { get; }

    /// <summary>Hands a segment this host sends itself (RST, SYN cookie) to the network.</summary>
    public void Send(in Segment segment, int couple) => _shard.NetworkRef.Tell(new Transmission(segment, couple, false));

    /// <summary>The application accepts every completed connection at once.</summary>
    public void Accept() => _listener?.TryAccept(out _);

    public void Receive(Arrival message)
    {
        ShardTelemetry telemetry = _shard.Telemetry;
        telemetry.InFlight--;
        telemetry.Delivered++;
        Segment segment = message.Segment;
        if ((segment.Flags & TcpFlags.Rst) != 0) telemetry.ResetsReceived++;

        Demultiplexed found = Tcp.Demux(segment);
        switch (found.Outcome)
        {
            case DemuxOutcome.Connection:
                if (_shard.Slots[found.Handle] is { } endpoint) HandOver(endpoint, message);
                break;
            case DemuxOutcome.Listener:
                AtListener(segment, message.Couple);
                break;
            case DemuxOutcome.NoConnection:
                // RFC 9293 §3.10.7.1: a segment for no connection gets RST (never a RST for a RST).
                if (Segment.TryResetFor(segment, out Segment reset)) Send(reset, message.Couple);
                break;
        }
    }

    /// <summary>
    /// Gives a segment to the endpoint that holds its tuple, at once, as a kernel hands a packet to
    /// its socket: a third hop per segment through the event queues bought nothing but cost a third
    /// of the events. The endpoint's failures stay its own: supervision stops it, not the host.
    /// </summary>
    private void HandOver(EndpointActor endpoint, in Arrival message)
    {
        try
        {
            endpoint.Receive(message);
        }
        catch (Exception exception)
        {
            _shard.EndpointFailed(endpoint, exception);
        }
    }

    private void AtListener(in Segment segment, int couple)
    {
        FourTuple tuple = segment.ReceiverTuple;
        TcpFlags flags = segment.Flags;
        if (flags == TcpFlags.Syn)
        {
            int handle = _shard.Slots.Reserve();
            switch (Tcp.OfferSyn(tuple, handle))
            {
                case SynDecision.Admit:
                    EndpointActor child = Spawn(handle, couple);
                    try
                    {
                        child.AcceptSyn(segment, new SeqNum(Iss(couple, segment)));
                    }
                    catch (Exception exception)
                    {
                        _shard.EndpointFailed(child, exception);
                    }
                    break;
                case SynDecision.SynCookie:
                    _shard.Slots.Free(handle);
                    Send(TcpEndpoint.SynAckFor(segment, new SeqNum(Cookie(tuple)), _shard.Scenario.Tcp), couple);
                    break;
                default:
                    _shard.Slots.Free(handle);
                    break;
            }
            return;
        }
        if ((flags & (TcpFlags.Rst | TcpFlags.Syn)) != 0)
        {
            // RST to a listener is ignored; a SYN with other bits is not a connection request.
            return;
        }
        if ((flags & TcpFlags.Ack) != 0 && _shard.Scenario.Tcp.Syncookies && segment.Ack.Value - 1 == Cookie(tuple))
        {
            int handle = _shard.Slots.Reserve();
            switch (Tcp.CompleteCookieHandshake(tuple, handle))
            {
                case AckDecision.Accept:
                    Accept();
                    EndpointActor cookieChild = Spawn(handle, couple);
                    try
                    {
                        cookieChild.AcceptCookieAck(segment, new SeqNum(Cookie(tuple)));
                    }
                    catch (Exception exception)
                    {
                        _shard.EndpointFailed(cookieChild, exception);
                    }
                    return;
                case AckDecision.Reset:
                    _shard.Slots.Free(handle);
                    if (Segment.TryResetFor(segment, out Segment abortReset)) Send(abortReset, couple);
                    return;
                default:
                    _shard.Slots.Free(handle);
                    return;
            }
        }
        // RFC 9293 §3.10.7.2: in LISTEN, any acknowledgment is bad and gets <SEQ=SEG.ACK><CTL=RST>.
        if (Segment.TryResetFor(segment, out Segment rst)) Send(rst, couple);
    }

    private EndpointActor Spawn(int handle, int couple)
    {
        bool idle = couple >= 0 && (_shard.CoupleFlagsOf(couple) & CoupleFlags.Idle) != 0;
        var actor = new EndpointActor(_shard, this, idle ? _shard.IdleProfile : _shard.Scenario.Tcp, couple, handle, TraceSide.Server);
        _shard.Slots.Set(handle, actor);
        _shard.System.Spawn(actor);
        return actor;
    }

    private uint Iss(int couple, in Segment syn) =>
        couple >= 0 ? _shard.Plan.Iss(_shard.GlobalIndex(couple), server: true) : Cookie(syn.ReceiverTuple) ^ 0x5A5A5A5A;

    /// <summary>A deterministic SYN cookie for the tuple (Linux uses a keyed SipHash; any keyed hash will do here).</summary>
    private uint Cookie(in FourTuple tuple)
    {
        ulong x = _cookieSecret ^ ((ulong)tuple.RemoteAddr << 16 | tuple.RemotePort) * 0xD1B54A32D192ED03UL;
        x = (x ^ (x >> 29)) * 0xBF58476D1CE4E5B9UL;
        return (uint)(x ^ (x >> 32));
    }

    public void Receive(HostCommand message)
    {
        if (message.Action == HostAction.Crash)
        {
            if (!Tcp.IsUp) return;
            int[] lost = Tcp.Crash();
            foreach (int handle in lost) _shard.Slots[handle]?.Lose();
            if (_listener is not null)
            {
                _shard.Telemetry.Leave(TcpState.Listen);
                _shard.Telemetry.Live--;
            }
        }
        else
        {
            if (Tcp.IsUp) return;
            Tcp.Restart();
            if (_listener is not null)
            {
                _shard.Telemetry.Enter(TcpState.Listen);
                _shard.Telemetry.Live++;
            }
        }
    }
}
