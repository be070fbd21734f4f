using TcpActors.Runtime;
using TcpActors.Simulation.Model;
using TcpActors.Simulation.Scenarios;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// The SYN flood extension (<c>workload.syn_flood</c>): SYNs from spoofed addresses nobody owns,
/// at a fixed rate, into the target listeners. SYN number j goes to shard j mod N, so the flood
/// is split across shards like the clients, and each shard's replica of the server takes its part.
/// </summary>
internal sealed class SynFloodActor : Actor, IReceive<FloodDue>
{
    private readonly ShardRefs _refs;
    private readonly SynFloodSpec _flood;
    private readonly int _shardCount;
    private readonly int _firstTarget;
    private readonly int _targets;
    private readonly TimeSpan _end;
    private long _next;

    public SynFloodActor(ShardRefs refs, SynFloodSpec flood, int shardIndex, int shardCount)
    {
        _refs = refs;
        _flood = flood;
        _shardCount = shardCount;
        Scenario scenario = refs.World.Scenario;
        var (first, last) = flood.Target.Resolve(scenario.Hosts.Servers.Count);
        _firstTarget = first;
        _targets = last - first + 1;
        _end = flood.For is { } f ? flood.At + f : scenario.Run.Duration;
        _next = shardIndex;
    }

    protected override void PreStart() => ScheduleNext();

    private TimeSpan TimeOf(long j) => _flood.At + TimeSpan.FromTicks((long)(j * (TimeSpan.TicksPerSecond / _flood.RatePerSecond)));

    public void Receive(FloodDue message)
    {
        while (TimeOf(_next) <= Now && TimeOf(_next) < _end)
        {
            long j = _next;
            _next += _shardCount;
            int server = _firstTarget + (int)(j % _targets);
            var syn = new Segment
            {
                SrcAddr = AddressPlan.Spoofed(j), SrcPort = (ushort)(1024 + j % 64000),
                DstAddr = AddressPlan.Server(server), DstPort = _refs.World.Scenario.Hosts.Servers.Port,
                Seq = new SeqNum((uint)(j * 2654435761L)), Flags = TcpFlags.Syn, Window = 65535,
            };
            System.Tell(_refs.Network, new Transmission(syn, -1, false));
        }
        ScheduleNext();
    }

    private void ScheduleNext()
    {
        TimeSpan at = TimeOf(_next);
        if (at >= _end) return;
        System.Tell(Self, default(FloodDue), at > Now ? at - Now : TimeSpan.Zero);
    }
}
