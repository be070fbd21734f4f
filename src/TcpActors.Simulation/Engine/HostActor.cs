using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One simulated machine as an actor of the simulation engine: it holds a <see cref="HostKernel"/>
/// and carries out its verdicts — a segment handed off to the endpoint actor holding the tuple, a
/// new endpoint actor for an admitted SYN or a valid cookie, a reply to the network — and what its
/// endpoints ask of it (<see cref="EndpointNews"/>). It spawns its endpoints as children and knows
/// them by handle; it crashes and restarts on command.
/// </summary>
internal sealed class HostActor : Actor,
    IReceive<Arrival>, IReceive<HostCommand>, IReceive<OpenCouple>, IReceive<EndpointNews>, IReceive<RstSweep>, IReceive<RstAtPeer>
{
    private readonly ShardRefs _refs;
    private readonly HostKernel _kernel;
    private ActorRef[] _endpoints;

    public HostActor(ShardRefs refs, HostKernel kernel, int expectedEndpoints)
    {
        _refs = refs;
        _kernel = kernel;
        _endpoints = new ActorRef[Math.Clamp(expectedEndpoints, 4, 1 << 20)];
    }

    public void Receive(Arrival message)
    {
        HostArrival verdict = _kernel.Arrive(message.Segment, message.Couple, Now);
        if (verdict.HasReply) System.Tell(_refs.Network, new Transmission(verdict.Reply, message.Couple, false));
        switch (verdict.Action)
        {
            case ArrivalAction.ToEndpoint:
                // Handed off, not queued: a kernel gives a packet to its socket in the same softirq.
                System.Handoff(EndpointAt(verdict.Handle), message);
                break;
            case ArrivalAction.NewChild:
                System.Handoff(SpawnEndpoint(message.Couple, verdict.Handle, TraceSide.Server),
                    new EndpointOpen(OpenKind.AcceptSyn, message.Segment, default, verdict.Iss));
                break;
            case ArrivalAction.CookieChild:
                System.Handoff(SpawnEndpoint(message.Couple, verdict.Handle, TraceSide.Server),
                    new EndpointOpen(OpenKind.AcceptCookieAck, message.Segment, default, verdict.Iss));
                break;
            case ArrivalAction.DestroyEndpoint:
                System.Handoff(EndpointAt(verdict.Handle), new EndpointCommand(EndpointOrder.Destroy));
                break;
            case ArrivalAction.ReopenChild:
                // The TIME_WAIT endpoint goes first; its handle stays its own until it is gone.
                System.Handoff(EndpointAt(verdict.OldHandle), new EndpointCommand(EndpointOrder.Destroy));
                System.Handoff(SpawnEndpoint(message.Couple, verdict.Handle, TraceSide.Server),
                    new EndpointOpen(OpenKind.AcceptSyn, message.Segment, default, verdict.Iss));
                break;
        }
    }

    public void Receive(OpenCouple message)
    {
        int couple = message.Couple;
        ConnectResult bound = _kernel.Connect(couple, Now, out int handle);
        if (!bound.IsBound) return;
        if (bound.Evicted) System.Handoff(EndpointAt(bound.EvictedHandle), new EndpointCommand(EndpointOrder.Destroy));
        System.Handoff(SpawnEndpoint(couple, handle, TraceSide.Client),
            new EndpointOpen(OpenKind.Connect, default, bound.Tuple, _kernel.Isn(bound.Tuple, Now)));
    }

    public void Receive(EndpointNews message)
    {
        if ((message.Effects & HostEffects.TimeWait) != 0
            && !_kernel.EnterTimeWait(message.Tuple, message.Handle, Now, message.RcvNxt, out bool overflow))
        {
            System.Handoff(EndpointAt(message.Handle), new EndpointCommand(overflow ? EndpointOrder.DestroyOverflow : EndpointOrder.Destroy));
        }
        if ((message.Effects & HostEffects.Gone) != 0)
        {
            _kernel.Gone(message.Tuple, message.Handle, (message.Effects & HostEffects.Release) != 0);
            _endpoints[message.Handle] = ActorRef.Nobody;
        }
    }

    public void Receive(HostCommand message)
    {
        if (message.Action == HostAction.Crash)
        {
            foreach (int handle in _kernel.Crash(Now)) System.Handoff(EndpointAt(handle), new EndpointCommand(EndpointOrder.Lose));
        }
        else
        {
            _kernel.Restart(Now);
        }
    }

    public void Receive(RstSweep message)
    {
        for (int handle = 0; handle < _kernel.HandleExtent && handle < _endpoints.Length; handle++)
        {
            if (!_endpoints[handle].IsNobody) System.Handoff(_endpoints[handle], new RstProbe(message.Event));
        }
    }

    public void Receive(RstAtPeer message)
    {
        if (_kernel.Tcp.TryGetConnection(message.ServerTuple, out int handle))
            System.Handoff(EndpointAt(handle), new ForgeRst(message.Event, message.Delay));
    }

    private ActorRef EndpointAt(int handle) => (uint)handle < (uint)_endpoints.Length ? _endpoints[handle] : ActorRef.Nobody;

    private ActorRef SpawnEndpoint(int couple, int handle, TraceSide side)
    {
        var model = new EndpointModel(_refs.World, couple, handle, side, Now);
        ActorRef endpoint = System.Spawn(new EndpointActor(_refs, _kernel.Index, model));
        if (handle >= _endpoints.Length) Array.Resize(ref _endpoints, Math.Max(handle + 1, _endpoints.Length * 2));
        _endpoints[handle] = endpoint;
        return endpoint;
    }
}
