using TcpActors.Runtime;
using TcpActors.Simulation.Telemetry;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;
using TcpActors.Tcp.Host;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// Opens the shard's couples at their planned times (all at once, over a span, at a rate, or as
/// churn): for each due couple it binds an ephemeral port on the client host and spawns the
/// client endpoint actor, which connects. Endpoints exist only from here on (lazy spawning).
/// One wake-up per distinct open time, never a message per couple queued in advance.
/// </summary>
internal sealed class WorkloadActor : Actor, IReceive<WorkloadDue>
{
    private readonly Shard _shard;
    private int _next;

    public WorkloadActor(Shard shard) => _shard = shard;

    /// <summary>Couples opened so far (shard-local count).</summary>
    public int Opened => _next;

    protected override void PreStart() => ScheduleNext();

    public void Receive(WorkloadDue message)
    {
        int couples = _shard.LocalCouples;
        while (_next < couples && _shard.Plan.OpenAt(_shard.GlobalIndex(_next)) <= Now)
        {
            Open(_next++);
        }
        ScheduleNext();
    }

    private void ScheduleNext()
    {
        if (_next >= _shard.LocalCouples) return;
        TimeSpan at = _shard.Plan.OpenAt(_shard.GlobalIndex(_next));
        if (at >= _shard.Scenario.Run.Duration + TimeSpan.FromTicks(1)) return;
        Self.Tell(default(WorkloadDue), at > Now ? at - Now : TimeSpan.Zero);
    }

    private void Open(int couple)
    {
        int global = _shard.GlobalIndex(couple);
        CoupleFlags flags = _shard.Plan.Decide(global);
        _shard.SetCoupleFlags(couple, flags | CoupleFlags.Opened);
        HostActor host = _shard.HostOf(Scenarios.HostRole.Client, _shard.Plan.ClientHostOf(global))!;
        uint server = AddressPlan.Server(_shard.Plan.ServerHostOf(global));
        int handle = _shard.Slots.Reserve();
        ConnectResult bound = host.Tcp.Connect(server, _shard.Scenario.Hosts.Servers.Port, handle, Now);
        if (!bound.IsBound)
        {
            _shard.Slots.Free(handle);
            if (bound.Outcome == ConnectOutcome.PortExhausted)
            {
                // EADDRNOTAVAIL: connect() fails at once and nothing is sent (docs/tcp-host.md).
                _shard.Telemetry.ConnectPortExhausted++;
                _shard.RecordReason(couple, CoupleOutcome.PortExhausted);
            }
            else
            {
                _shard.RecordReason(couple, CoupleOutcome.Crashed);
            }
            _shard.EndCouple(couple, Now);
            return;
        }
        if (bound.Evicted) _shard.Slots[bound.EvictedHandle]?.Evict();

        bool idle = (flags & CoupleFlags.Idle) != 0;
        var actor = new EndpointActor(_shard, host, idle ? _shard.IdleProfile : _shard.Scenario.Tcp, couple, handle, TraceSide.Client);
        _shard.Slots.Set(handle, actor);
        _shard.System.Spawn(actor);
        try
        {
            actor.Connect(bound.Tuple, new SeqNum(_shard.Plan.Iss(global, server: false)));
        }
        catch (Exception exception)
        {
            // The endpoint's failure is its own: supervision stops it, the workload goes on.
            _shard.EndpointFailed(actor, exception);
        }
    }
}
