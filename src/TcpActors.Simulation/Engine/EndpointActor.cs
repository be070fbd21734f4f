using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// One TCP endpoint as an actor of the simulation engine: it holds an <see cref="EndpointModel"/>
/// and adapts the runtime to it — the model's timer on a runtime timer, its application's
/// scheduled closes on delayed messages, its segments to the network actor, and what it needs of
/// its host (<see cref="HostEffects"/>) as a message to the host actor. A child of its host actor.
/// </summary>
internal sealed class EndpointActor : Actor, IEndpointContext,
    IReceive<EndpointOpen>, IReceive<Arrival>, IReceive<EndpointTick>, IReceive<AppCommand>, IReceive<EndpointCommand>,
    IReceive<RstProbe>, IReceive<ForgeRst>
{
    private readonly ShardRefs _refs;
    /// <summary>Its host's index (its role is the endpoint's side): an index, not a two-word ref, on each of millions of endpoints.</summary>
    private readonly int _hostIndex;
    private readonly EndpointModel _model;
    private TimerId _tcpTimer;
    private long _armedTicks = long.MaxValue;

    public EndpointActor(ShardRefs refs, int hostIndex, EndpointModel model)
    {
        _refs = refs;
        _hostIndex = hostIndex;
        _model = model;
    }

    private RunModel World => _refs.World;

    TimeSpan IEndpointContext.Now => Now;

    // ------------------------------------------------------------------ inputs

    public void Receive(EndpointOpen message)
    {
        HostEffects effects = message.Kind switch
        {
            OpenKind.Connect => _model.Connect(this, message.Tuple, message.Iss),
            OpenKind.AcceptSyn => _model.AcceptSyn(this, message.Segment, message.Iss),
            _ => _model.AcceptCookieAck(this, message.Segment, message.Iss),
        };
        Apply(effects);
    }

    public void Receive(Arrival message) => Apply(_model.OnSegment(this, message.Segment));

    public void Receive(EndpointTick message)
    {
        _armedTicks = long.MaxValue;
        Apply(_model.OnTimer(this));
    }

    public void Receive(AppCommand message) => Apply(_model.OnApp(this, message.Action));

    public void Receive(EndpointCommand message) => Apply(message.Order switch
    {
        EndpointOrder.Lose => _model.Lose(this),
        EndpointOrder.DestroyOverflow => _model.Destroy(this, overflow: true),
        _ => _model.Destroy(this),
    });

    public void Receive(RstProbe message)
    {
        TcpEndpoint tcp = _model.Tcp;
        if (_model.IsFinished || _model.Side != TraceSide.Client || _model.Couple < 0 || tcp.State != TcpState.Established) return;
        ChaosEvent e = World.Scenario.Chaos[message.Event];
        if (!RstChaos.Choose(World, e, message.Event, _model.Couple, out bool toClient, out TimeSpan delay)) return;
        if (toClient)
        {
            Receive(new ForgeRst(message.Event, delay));
            return;
        }
        FourTuple c = tcp.Tuple;
        // The server host finds the server's endpoint by its tuple, as the kernel's demux would.
        System.Handoff(_refs.Host(HostRole.Server, World.Plan.ServerHostOf(_model.Couple)), new RstAtPeer(message.Event, new FourTuple(c.RemoteAddr, c.RemotePort, c.LocalAddr, c.LocalPort), delay));
    }

    public void Receive(ForgeRst message)
    {
        if (_model.IsFinished || _model.Tcp.State != TcpState.Established) return;
        Segment rst = RstChaos.Forge(_model.Tcp, World.Scenario.Chaos[message.Event].RstSequence);
        System.Tell(_refs.Network, new Transmission(rst, _model.Couple, Forged: true), message.Delay);
    }

    /// <summary>
    /// Supervision stopped this actor after an exception (DESIGN.md §3): the model settles the
    /// endpoint and the host frees what it held, so the counts stay exact.
    /// </summary>
    protected override void PostStop()
    {
        if (!_model.IsFinished) Apply(_model.Fail(this));
    }

    private void Apply(HostEffects effects)
    {
        if (effects != HostEffects.None)
        {
            TcpEndpoint tcp = _model.Tcp;
            ActorRef host = _refs.Host(_model.Side == TraceSide.Client ? HostRole.Client : HostRole.Server, _hostIndex);
            System.Handoff(host, new EndpointNews(effects, tcp.Tuple, _model.Handle, tcp.RcvNxt));
        }
        if (_model.IsFinished && IsAlive) Stop();
    }

    // ------------------------------------------------------------------ IEndpointContext

    void IEndpointContext.Transmit(in Segment segment, int couple) => System.Tell(_refs.Network, new Transmission(segment, couple, false));

    /// <summary>
    /// Lazy re-arming: the runtime timer only ever moves earlier. A deadline pushed later (the RTO
    /// restarted by every ACK, keepalive by every segment) leaves the armed timer alone; if it
    /// fires early, the model finds nothing due and asks again for the real deadline. This saves
    /// most queue operations, since deadlines move later far more often than earlier.
    /// </summary>
    void IEndpointContext.ArmTimer(TimeSpan deadline)
    {
        long ticks = deadline.Ticks;
        if (ticks >= _armedTicks) return;
        _armedTicks = ticks;
        long delay = ticks - Now.Ticks;
        Timers.StartSingleTimer(ref _tcpTimer, default(EndpointTick), TimeSpan.FromTicks(delay > 0 ? delay : 0));
    }

    // A plain delayed message, not a timer: it is never re-armed or cancelled, so it needs no
    // timer slot (one fewer per endpoint); after the endpoint is gone it is a dead letter.
    void IEndpointContext.Schedule(AppAction action, TimeSpan delay) => System.Tell(Self, new AppCommand(action), delay);
}
