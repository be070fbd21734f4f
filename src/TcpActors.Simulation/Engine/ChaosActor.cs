using TcpActors.Runtime;
using TcpActors.Simulation.Scenarios;
using TcpActors.Simulation.Tracing;
using TcpActors.Tcp;

namespace TcpActors.Simulation.Engine;

/// <summary>
/// Plays the scenario's chaos schedule on one shard: at every window boundary it tells the
/// network to recompute its links (impairments, partitions, blackholes, clogs); it crashes and
/// restarts hosts; and it forges RSTs into a fraction of the established couples (RFC 5961
/// exact, in-window or out-of-window), each couple choosing from its own stream.
/// Targeted drops need no timing: the network installs them with their start time.
/// </summary>
internal sealed class ChaosActor : Actor, IReceive<ChaosDue>
{
    private const ulong RstStreamBase = 3UL << 60;
    private readonly Shard _shard;
    private readonly List<(TimeSpan At, int Event, bool IsEnd)> _boundaries = [];

    public ChaosActor(Shard shard)
    {
        _shard = shard;
        var chaos = shard.Scenario.Chaos;
        for (int i = 0; i < chaos.Count; i++)
        {
            ChaosEvent e = chaos[i];
            if (e.Kind == ChaosKind.Drop) continue;
            _boundaries.Add((e.At, i, false));
            if (e.End is { } end && e.Kind is not ChaosKind.Crash and not ChaosKind.Rst) _boundaries.Add((end, i, true));
        }
        _boundaries.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Event != b.Event ? a.Event.CompareTo(b.Event) : a.IsEnd.CompareTo(b.IsEnd));
    }

    protected override void PreStart()
    {
        for (int i = 0; i < _boundaries.Count; i++) Self.Tell(new ChaosDue(i), _boundaries[i].At);
    }

    public void Receive(ChaosDue message)
    {
        var (_, index, isEnd) = _boundaries[message.Boundary];
        ChaosEvent e = _shard.Scenario.Chaos[index];
        switch (e.Kind)
        {
            case ChaosKind.Crash:
                Crash(e);
                break;
            case ChaosKind.Rst:
                if (!isEnd) ForgeResets(e, index);
                break;
            default:
                _shard.NetworkRef.Tell(default(RecomputeLinks));
                break;
        }
    }

    private void Crash(ChaosEvent e)
    {
        HostSelector hosts = e.Crash!;
        int count = hosts.Role == HostRole.Client ? _shard.Scenario.Hosts.Clients.Count : _shard.Scenario.Hosts.Servers.Count;
        var (first, last) = hosts.Resolve(count);
        for (int h = first; h <= last && h < count; h++)
        {
            if (_shard.HostOf(hosts.Role, h) is not { } host) continue;
            host.Self.Tell(new HostCommand(HostAction.Crash));
            if (e.RestartAfter is { } after) host.Self.Tell(new HostCommand(HostAction.Restart), after);
        }
    }

    private void ForgeResets(ChaosEvent e, int eventIndex)
    {
        // Choose first, in handle order (deterministic), then spread the RSTs over the window.
        var chosen = new List<(EndpointActor Receiver, int Couple)>();
        for (int handle = 0; handle < _shard.Slots.Extent; handle++)
        {
            if (_shard.Slots[handle] is not { } client || client.Side != TraceSide.Client || client.Couple < 0) continue;
            if (client.Tcp.State != TcpState.Established) continue;
            int global = _shard.GlobalIndex(client.Couple);
            var link = LinkId.ClientToServer(_shard.Plan.ClientHostOf(global), _shard.Plan.ServerHostOf(global));
            if (!e.Between.Contains(link.FromRole, link.From, link.ToRole, link.To)) continue;
            var random = new RandomStream(_shard.Scenario.Seed, RstStreamBase + ((ulong)eventIndex << 32) + (ulong)global);
            if (!random.Chance(e.RstFraction)) continue;
            bool toClient = e.Direction switch
            {
                Network.DirectionSelector.ServerToClient => true,
                Network.DirectionSelector.ClientToServer => false,
                _ => random.NextDouble() < 0.5,
            };
            EndpointActor? receiver = toClient ? client : ServerOf(client, global);
            if (receiver is null || receiver.Tcp.State != TcpState.Established) continue;
            chosen.Add((receiver, client.Couple));
        }
        TimeSpan spread = e.For ?? TimeSpan.Zero;
        for (int i = 0; i < chosen.Count; i++)
        {
            var (receiver, couple) = chosen[i];
            FourTuple t = receiver.Tcp.Tuple;
            uint offset = e.RstSequence switch
            {
                RstSequence.Exact => 0,
                RstSequence.InWindow => (uint)Math.Max(1, receiver.Tcp.ReceiveWindow / 2),
                _ => 0x80000000,
            };
            var rst = new Segment
            {
                SrcAddr = t.RemoteAddr, SrcPort = t.RemotePort, DstAddr = t.LocalAddr, DstPort = t.LocalPort,
                Seq = receiver.Tcp.RcvNxt + offset, Flags = TcpFlags.Rst,
            };
            TimeSpan delay = chosen.Count > 1 ? TimeSpan.FromTicks(spread.Ticks * i / chosen.Count) : TimeSpan.Zero;
            _shard.NetworkRef.Tell(new Transmission(rst, couple, Forged: true), delay);
        }
    }

    private EndpointActor? ServerOf(EndpointActor client, int global)
    {
        HostActor? server = _shard.HostOf(HostRole.Server, _shard.Plan.ServerHostOf(global));
        FourTuple c = client.Tcp.Tuple;
        var serverTuple = new FourTuple(c.RemoteAddr, c.RemotePort, c.LocalAddr, c.LocalPort);
        return server is not null && server.Tcp.TryGetConnection(serverTuple, out int handle) ? _shard.Slots[handle] : null;
    }
}
